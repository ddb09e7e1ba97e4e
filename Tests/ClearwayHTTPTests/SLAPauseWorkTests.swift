import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import Logging
import Testing

/// An agent puts an exception on "waiting on the customer": its SLA clock stops on the
/// site's calendar, no timer fires while it waits (across a restart), and on resume the due
/// time has moved by the business time it stood still.
@Suite("SLA pauses through the API")
struct SLAPauseWorkTests {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    @Test("waiting on the customer pauses the clock overnight, no timer fires meanwhile, and resuming moves the due time",
          arguments: TestDatabaseKind.available)
    func pauseAndResume(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            let (caseId, exceptionId, base) = try await h.seededPricingException()

            // Monday 09:30 in Chicago: half an hour of the 8 h pricing SLA used.
            h.clock.set(Self.at("2026-11-23T15:30:00Z"))
            let unknown = try await h.send(.post, base + "/wait", as: .agent, contentType: "application/json",
                                           body: #"{"reason":"PO","waitingOn":"vendor"}"#)
            #expect(unknown.status.code >= 400 && unknown.status.code < 500)
            let waiting = try h.json(try await h.send(.post, base + "/wait", as: .agent, contentType: "application/json",
                                                      body: #"{"reason":"Asked the buyer to confirm the contract","waitingOn":"customer"}"#))
            #expect(waiting.str("state") == "waiting")
            #expect(waiting.obj("sla").str("state") == "paused")
            #expect(waiting.obj("sla").str("waitingOn") == "customer")

            // Past the old due time (Monday 17:30): a node started afresh finds nothing due.
            h.clock.set(Self.at("2026-11-23T23:30:00Z"))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let restarted = ClearwayEngine(database: h.engine.database, policy: h.engine.policy, clock: h.clock, ids: SequentialIdentifiers(),
                                           logger: logger)
            _ = try await restarted.fireDueTimers()
            var exception = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("id") == exceptionId })
            #expect(exception.str("escalation") == "none")
            #expect(exception.obj("sla").str("state") == "paused")

            // Tuesday 10:00: paused Monday 09:30–17:00 and Tuesday 08:00–10:00, 570 business minutes.
            h.clock.set(Self.at("2026-11-24T16:00:00Z"))
            let resumed = try h.json(try await h.send(.post, base + "/resume", as: .agent))
            #expect(resumed.obj("sla").str("state") == "running")
            #expect(resumed.obj("sla")["pausedMinutes"] as? Double == 570)
            // 7.5 h left from Tuesday 10:00: 7 h on Tuesday, 30 min on Wednesday (08:30 CST).
            #expect(resumed.obj("sla").str("dueAt") == "2026-11-25T14:30:00Z")

            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline")
            let paused = try #require(timeline.first { $0.str("action") == "sla.paused" })
            #expect(paused.str("reason") == "Asked the buyer to confirm the contract")
            #expect(paused.obj("detail").str("waitingOn") == "customer")
            #expect(timeline.contains { $0.str("action") == "sla.resumed" && ($0.str("actor") ?? "").contains("agent-key") })

            // Just after the moved due time the breach fires, once.
            h.clock.set(Self.at("2026-11-25T14:31:00Z"))
            _ = try await h.engine.fireDueTimers()
            exception = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("id") == exceptionId })
            #expect(exception.str("escalation") == "breached")
        }
    }
}
