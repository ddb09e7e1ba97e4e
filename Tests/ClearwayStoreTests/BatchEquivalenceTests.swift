import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// Set-wise processing of a group must not change any decision: the same stream ingested
/// in batches and one event at a time gives the same cases, exceptions and audit trail.
@Suite("Batch and one-by-one ingestion agree")
struct BatchEquivalenceTests {
    func stream() -> [JSONValue] {
        var sim = SyntheticDistributor(seed: 99)
        sim.customers = 6
        sim.products = 40
        sim.exceptionRate = 0.3
        sim.creditLimit = 6_000   // low enough that open orders run into it
        var events = sim.referenceEvents()
        for n in 0..<120 {
            events.append(sim.order(n))
            if n == 60 {
                events.append(SyntheticDistributor.event("sim-fin", "hold-1", .creditStatusChanged, ["customerId": .string("C-1001"), "standing": .string("hold")]))
            }
        }
        events.append(sim.order(5))   // a repeat inside the stream
        return events
    }

    func summary(_ db: Database, ingest: (ClearwayEngine, [JSONValue]) async throws -> Void) async throws -> [String] {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let engine = ClearwayEngine(database: db, policy: try DefaultPolicy.load(), clock: ManualClock(Instant(iso8601: "2026-11-23T15:00:00Z")!), logger: logger)
        try await ingest(engine, stream())
        return try await db.read { sql in
            let exceptions = try await sql.raw("""
                SELECT c.order_key, e.type, e.state, e.finding FROM exceptions e JOIN cases c ON c.id = e.case_id ORDER BY c.order_key, e.type, e.identity
                """).all().map { row in
                "\(try row.decode(column: "order_key", as: String.self)) \(try row.decode(column: "type", as: String.self)) \(try row.decode(column: "state", as: String.self)) \(try row.decode(column: "finding", as: String.self))"
            }
            let audit = try await sql.raw("SELECT action, COUNT(*) AS n FROM audit_log GROUP BY action ORDER BY action").all().map {
                "\(try $0.decode(column: "action", as: String.self))=\(try $0.decode(column: "n", as: Int64.self))"
            }
            // What touchless rules proposed and what their guardrails saw (exposure included).
            let actions = try await sql.raw("""
                SELECT c.order_key, a.kind, a.state, a.assessment FROM actions a JOIN cases c ON c.id = a.case_id
                ORDER BY c.order_key, a.kind, a.state, a.assessment
                """).all().map { row in
                "\(try row.decode(column: "order_key", as: String.self)) \(try row.decode(column: "kind", as: String.self)) "
                    + "\(try row.decode(column: "state", as: String.self)) \(try row.decode(column: "assessment", as: String.self))"
            }
            return exceptions + actions + audit
        }
    }

    @Test("the same events in batches of 50 and one at a time leave identical cases, findings and audit counts",
          arguments: TestDatabaseKind.available)
    func batchMatchesOneByOne(_ kind: TestDatabaseKind) async throws {
        let batched = try await TestDatabase.with(kind) { db in
            try await summary(db) { engine, events in
                for start in stride(from: 0, to: events.count, by: 50) {
                    let body = JSONValue.array(Array(events[start..<min(start + 50, events.count)])).canonicalData()
                    _ = try await engine.ingest(try CloudEventCodec.decode(body: body, mode: .batch, policy: engine.policy, receivedAt: engine.clock.now()), actor: "t")
                }
            }
        }
        let single = try await TestDatabase.with(kind) { db in
            try await summary(db) { engine, events in
                for event in events {
                    _ = try await engine.ingest(try CloudEventCodec.decode(body: event.canonicalData(), mode: .single, policy: engine.policy, receivedAt: engine.clock.now()), actor: "t")
                }
            }
        }
        #expect(batched.contains { $0.contains("credit.limit_exceeded") }, "the stream should exercise credit exposure")
        #expect(batched.count > 20)
        #expect(batched.contains { $0.contains(" override_price ") }, "the stream should exercise touchless actions")
        #expect(batched == single)
    }
}
