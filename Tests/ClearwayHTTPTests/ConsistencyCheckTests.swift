import ClearwayStore
import ClearwayTestSupport
import SQLKit
import Testing

/// The rules the crash test relies on: they hold after ordinary work, and each break named
/// here is found (a check that cannot fail would prove nothing after a crash).
@Suite("Store consistency check")
struct ConsistencyCheckTests {
    @Test("a healthy store passes; a lost timer, a wrong exception count and an orphaned delivery are each named",
          arguments: TestDatabaseKind.available)
    func findsBrokenRules(kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            let healthy = try await h.engine.database.checkConsistency()
            #expect(healthy.consistent, "\(healthy.findings)")
            #expect(healthy.totals["open cases"] == 1 && healthy.totals["exceptions"] ?? 0 >= 1, "\(healthy.totals)")

            try await h.engine.database.read { sql in
                try await sql.raw("DELETE FROM timers").run()
                try await sql.raw("UPDATE cases SET exception_count = exception_count + 1").run()
                try await sql.raw("""
                    INSERT INTO outbox (id, action_id, kind, target, payload, idempotency_key, state, attempts, next_attempt_at, created_at)
                    VALUES ('OUT-X', 'ACT-GONE', 'action', 'erp', '{}', 'clearway-ACT-GONE', 'pending', 0, 0, 0)
                    """).run()
            }
            let broken = try await h.engine.database.checkConsistency()
            let rules = Set(broken.findings.map(\.rule))
            #expect(rules == ["an open exception has no SLA timer", "a case's exception count differs from its exceptions",
                              "a delivery belongs to an action that does not exist"], "\(broken.findings)")
        }
    }
}
