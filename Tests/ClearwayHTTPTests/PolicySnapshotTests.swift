import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayTestSupport
import Foundation
import Testing

/// A request is normalised and decided under one policy: a new policy put in force while
/// it waits for its turn applies to the next request, not to half of this one.
@Suite("One policy per request")
struct PolicySnapshotTests {
    @Test("events decoded under one policy are decided under it, even if another is put in force before they commit")
    func decidedUnderTheSnapshotTheyWereDecodedWith() async throws {
        try await Harness.run(.sqlite) { h in
            try await h.post(events: Events.reference)
            let snapshot = h.engine.policySnapshot
            let body = Data("[\(Events.seedOrder)]".utf8)
            let events = try CloudEventCodec.decode(body: body, mode: .batch, policy: snapshot.policy, receivedAt: h.clock.now())
            var next = snapshot.policy
            next.version = "2026.12.9-next"
            h.engine.setPolicy(next)
            #expect(h.engine.policySnapshot.generation == snapshot.generation + 1)
            let outcomes = try await h.engine.ingest(events, actor: "test", policy: snapshot)
            let caseId = try #require(outcomes.first?.caseIds.first)
            let timeline = try await h.engine.queries.timeline(caseId: caseId)
            #expect(!timeline.isEmpty)
            #expect(timeline.allSatisfy { $0.policyVersion == snapshot.policy.version }, "\(Set(timeline.map(\.policyVersion)))")
            let later = try await h.engine.ingest(try CloudEventCodec.decode(body: Data("[\(Events.stockArrives)]".utf8), mode: .batch,
                                                                               policy: next, receivedAt: h.clock.now()), actor: "test")
            #expect(later.first?.status == .accepted)
        }
    }
}
