import ClearwayCore
import ClearwayEngine
import ClearwayInsights
import Foundation
import Testing

/// The engine decides who may read, whoever asks: the same refusals reach the API, the
/// console and the command line, because none of them reads the store itself.
@Suite("Engine read access")
struct EngineReadAccessTests {
    static let integration = Principal(id: "key_int", name: "erp", role: .integration)
    static let viewer = Principal(id: "key_view", name: "viewer", role: .viewer)

    static func refused(_ read: () async throws -> Void) async -> Bool {
        do { try await read(); return false } catch let error as EngineError {
            if case .forbidden = error { return true }
            return false
        } catch { return false }
    }

    @Test("a role without the read permission is refused by every case, queue, insight and model read of the engine")
    func readsAreRefusedWithoutPermission() async throws {
        try await Harness.run(.sqlite) { h in
            let e = h.engine, who = Self.integration
            let period = FactFilter(from: 0, to: h.clock.now().millis)
            let reads: [(String, () async throws -> Void)] = [
                ("cases", { _ = try await e.cases(CaseFilter(), by: who) }),
                ("case detail", { _ = try await e.caseDetail("CASE-1", by: who) }),
                ("queue stats", { _ = try await e.queueStats(by: who) }),
                ("queue items", { _ = try await e.queueItems(QueueFilter(queue: "pricing"), by: who) }),
                ("backlog", { _ = try await e.backlogOverview(now: h.clock.now(), by: who) }),
                ("case actions", { _ = try await e.caseActions("CASE-1", by: who) }),
                ("actions", { _ = try await e.actions(state: nil, limit: 10, by: who) }),
                ("people", { _ = try await e.people(by: who) }),
                ("headline KPIs", { _ = try await e.headlineKPIs(by: who) }),
                ("KPI report", { _ = try await e.kpiReport(period, by: who) }),
                ("root causes", { _ = try await e.rootCauses(period, by: who) }),
                ("case trail", { _ = try await e.caseTrail(from: Instant(millis: 0), to: h.clock.now(), by: who) }),
                ("breach risks", { _ = try await e.breachRisks(by: who) }),
                ("model versions", { _ = try await e.modelVersions(kind: "triage", by: who) }),
                ("event logs", { _ = try await e.eventLogs(by: who) }),
            ]
            for (name, read) in reads {
                let refused = await Self.refused(read)
                #expect(refused, "\(name) is refused to an integration key")
            }
            // The same reads answer a viewer (an unknown case is not found, not refused).
            let cases = try await e.cases(CaseFilter(), by: Self.viewer), queues = try await e.queueStats(by: Self.viewer)
            #expect(cases.total == 0 && queues.isEmpty)
            let viewerDetail = await Self.refused { _ = try await e.caseDetail("CASE-1", by: Self.viewer) }
            #expect(!viewerDetail, "an unknown case is not found for a viewer, not refused")
            // Dead letters and deliveries belong to whoever looks after integrations.
            let viewerLetters = await Self.refused { _ = try await e.deadLetters(status: nil, limit: 10, offset: 0, by: Self.viewer) }
            let viewerOutbox = await Self.refused { _ = try await e.outboxCounts(by: Self.viewer) }
            #expect(viewerLetters && viewerOutbox, "a viewer may not read dead letters or the outbox")
            let letters = try await e.deadLetters(status: nil, limit: 10, offset: 0, by: Self.integration)
            #expect(letters.total == 0, "an integration key reads its dead letters")
        }
    }
}
