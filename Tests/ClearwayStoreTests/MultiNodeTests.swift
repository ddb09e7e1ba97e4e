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

/// Two nodes on one PostgreSQL database taking events for the same order at the same time:
/// the order's row lock makes them apply one after the other, so the order keeps one open
/// case and each exception is recorded once.
@Suite("Several nodes on one database")
struct MultiNodeTests {
    static let start = Instant(iso8601: "2026-11-23T15:00:00Z")!

    @Test("events for one order arriving at two nodes at once are applied one at a time",
          .enabled(if: TestDatabaseKind.available.contains(.postgres), "needs CLEARWAY_TEST_POSTGRES_URL"))
    func sameOrderOnTwoNodes() async throws {
        try await TestDatabase.withHandle(.postgres) { test in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let clock = ManualClock(Self.start)
            let policy = try DefaultPolicy.load()
            let a = ClearwayEngine(database: test.database, policy: policy, clock: clock, logger: logger)
            let otherHandle = try await test.reopen()
            do {
                try await Self.run(test.database, otherHandle, policy: policy, clock: clock, logger: logger)
            } catch {
                await otherHandle.close()
                throw error
            }
            await otherHandle.close()
        }
    }

    static func run(_ first: Database, _ second: Database, policy: Policy, clock: ManualClock, logger: Logger) async throws {
        let a = ClearwayEngine(database: first, policy: policy, clock: clock, logger: logger)
        let b = ClearwayEngine(database: second, policy: policy, clock: clock, logger: logger)
        func decode(_ json: [JSONValue]) throws -> [IncomingEvent] {
            try CloudEventCodec.decode(body: JSONValue.array(json).canonicalData(), mode: .batch, policy: policy, receivedAt: clock.now())
        }
        let sim = SyntheticDistributor(seed: 3)
        let reference = sim.referenceEvents()
        for chunk in stride(from: 0, to: reference.count, by: 500) {
            _ = try await a.ingest(try decode(Array(reference[chunk..<min(reference.count, chunk + 500)])), actor: "test")
        }
        let order = sim.order(1)
        let orderId = try #require(order["data"]?["orderId"]?.stringValue)
        _ = try await a.ingest(try decode([order]), actor: "test")
        // Sixteen reports of the same failed delivery, from the carrier's retries, half to each node.
        let outcomes = try await withThrowingTaskGroup(of: [IngestOutcome].self) { group in
            for i in 0..<16 {
                let milestone = SyntheticDistributor.event("tms", "milestone-\(i)", EventType.shipmentMilestone, [
                    "orderId": .string(orderId), "shipmentId": .string("PRO-1"), "carrier": .string("FASTFREIGHT"), "status": .string("failed"),
                    "occurredAt": .string("2026-11-24T16:40:00Z"), "reason": .string("Consignee closed"),
                    "promisedDelivery": .string("2026-11-24"), "estimatedDelivery": .string("2026-11-26"),
                ])
                let node = i % 2 == 0 ? a : b
                let events = try decode([milestone])
                group.addTask { try await node.ingest(events, actor: "test") }
            }
            var all: [IngestOutcome] = []
            for try await o in group { all += o }
            return all
        }
        #expect(outcomes.count == 16 && outcomes.allSatisfy { $0.status == .accepted }, "\(outcomes.map(\.status))")
        let check = try await first.checkConsistency()
        #expect(check.consistent, "\(check.findings)")
        let counts = try await first.read { sql in
            try await sql.raw("""
                SELECT (SELECT COUNT(*) FROM cases WHERE order_id = \(bind: orderId) AND closed_at IS NULL) AS open_cases,
                       (SELECT COUNT(*) FROM exceptions e JOIN cases c ON c.id = e.case_id
                           WHERE c.order_id = \(bind: orderId) AND e.type = 'logistics.delivery_failed') AS failures
                """).first()
        }
        #expect(try counts?.decode(column: "open_cases", as: Int64.self) == 1)
        #expect(try counts?.decode(column: "failures", as: Int64.self) == 1)
    }
}
