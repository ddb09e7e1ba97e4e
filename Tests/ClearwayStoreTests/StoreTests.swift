import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
@testable import ClearwayStore
import ClearwayTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// The store's promises, on every available database.
@Suite("Store on SQLite and PostgreSQL")
struct StoreTests {
    static let start = Instant(iso8601: "2026-11-23T15:00:00Z")!

    func engine(_ db: Database, clock: ManualClock) throws -> ClearwayEngine {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return ClearwayEngine(database: db, policy: try DefaultPolicy.load(), clock: clock, logger: logger)
    }

    func events(_ engine: ClearwayEngine, _ json: [JSONValue]) throws -> [IncomingEvent] {
        try CloudEventCodec.decode(body: JSONValue.array(json).canonicalData(), mode: .batch, policy: engine.policy, receivedAt: engine.clock.now())
    }

    @Test("migrations apply once; running them again changes nothing", arguments: TestDatabaseKind.available)
    func migrationsIdempotent(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let applied = try await db.migrate()
            #expect(applied.isEmpty)
        }
    }

    @Test("wiping the store drops every table the migrations made, so the schema can be built again", arguments: TestDatabaseKind.available)
    func wipeThenMigrateAgain(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            try await db.dropAllForBenchmark()
            let applied = try await db.migrate()
            #expect(!applied.isEmpty && applied.first == "0001_core_loop" && applied == Migrations.all.map(\.name), "\(applied)")
        }
    }

    @Test("a commit that changes the record is announced on this node and, on PostgreSQL, to every other node; one that changes nothing is not",
          arguments: TestDatabaseKind.available)
    func changesReachEveryNode(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.withHandle(kind) { test in
            let a = test.database
            let b = try await test.reopen()
            let listening = Task { try await b.listenForChanges() }
            if kind == .postgres {
                // The listener raises the signal once as soon as it listens.
                #expect(await b.changes.next(after: 0, timeout: .seconds(30)) >= 1)
            }
            let (beforeA, beforeB) = (a.changes.version, b.changes.version)
            try await a.transaction { _ in }                       // no audit rows: nothing to announce
            #expect(a.changes.version == beforeA)
            try await a.transaction { tx in
                tx.audit(AuditEntry(at: Instant(millis: 1), actor: "test", caseId: "C", exceptionId: nil, action: "case.opened", policyVersion: "v"))
            }
            #expect(a.changes.version == beforeA + 1)
            if kind == .postgres {
                #expect(await b.changes.next(after: beforeB, timeout: .seconds(30)) > beforeB, "node B did not hear node A's commit")
            }
            listening.cancel()
            _ = await listening.result
            await b.close()
        }
    }

    @Test("the audit chain detects a deleted row and a truncated tail", arguments: TestDatabaseKind.available)
    func auditDeletion(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            for i in 0..<5 {
                try await db.transaction { tx in
                    tx.audit(AuditEntry(at: Instant(millis: Int64(i)), actor: "test", caseId: "C", exceptionId: nil, action: "step.\(i)", policyVersion: "v"))
                }
            }
            #expect(try await db.verifyAudit().intact)
            try await TestDatabase.tamper(db, "DELETE FROM audit_log WHERE seq = 5")
            let truncated = try await db.verifyAudit()
            #expect(truncated.problems.contains { $0.contains("deleted from the end") })
            try await TestDatabase.tamper(db, "DELETE FROM audit_log WHERE seq = 2")
            let gap = try await db.verifyAudit()
            #expect(gap.problems.contains { $0.contains("missing") })
            #expect(gap.problems.contains { $0.contains("row 3 does not link") })
        }
    }

    @Test("the same event sent by many clients at once is accepted once; every other answer is duplicate", arguments: TestDatabaseKind.available)
    func concurrentDuplicates(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let clock = ManualClock(Self.start)
            let engine = try engine(db, clock: clock)
            var sim = SyntheticDistributor(seed: 7)
            sim.customers = 20
            sim.products = 60
            let setup = try events(engine, Array(sim.referenceEvents().prefix(50)))
            _ = try await engine.ingest(setup, actor: "test")
            let order = try events(engine, [sim.order(1)])
            let outcomes = try await withThrowingTaskGroup(of: [IngestOutcome].self) { group in
                for _ in 0..<8 { group.addTask { try await engine.ingest(order, actor: "test") } }
                var all: [IngestOutcome] = []
                for try await o in group { all += o }
                return all
            }
            #expect(outcomes.filter { $0.status == .accepted }.count == 1)
            #expect(outcomes.filter { $0.status == .duplicate }.count == 7)
            let rows = try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM inbox WHERE event_id = 'order-1'").first()?.decode(column: "n", as: Int64.self) }
            #expect(rows == 1)
        }
    }

    @Test("SLA timers survive a restart and each fires exactly once even with two nodes polling", arguments: TestDatabaseKind.available)
    func timersSurviveRestart(_ kind: TestDatabaseKind) async throws {
        try await TestDatabase.withHandle(kind) { test in
            let clock = ManualClock(Self.start)
            let first = try engine(test.database, clock: clock)
            var sim = SyntheticDistributor(seed: 11)
            sim.customers = 20
            sim.products = 60
            let reference = sim.referenceEvents()
            for chunk in stride(from: 0, to: reference.count, by: 500) {
                _ = try await first.ingest(try events(first, Array(reference[chunk..<min(chunk + 500, reference.count)])), actor: "test")
            }
            var orderIds: [String] = []
            for n in 0..<60 where orderIds.count < 3 {
                let outcome = try await first.ingest(try events(first, [sim.order(n)]), actor: "test")
                orderIds += outcome.flatMap(\.caseIds)
            }
            #expect(orderIds.count == 3)
            let openExceptions = try await first.headlineKPIs(by: .localOperator("test")).exceptionsOpen

            // The node stops; two nodes start on the same data after every SLA has passed.
            await test.database.close()
            let nodeA = try engine(try await test.reopen(), clock: clock)
            let nodeB = try engine(try await test.reopen(), clock: clock)
            clock.advance(seconds: 14 * 24 * 3600)
            async let a = nodeA.fireDueTimers(batchSize: 1)
            async let b = nodeB.fireDueTimers(batchSize: 1)
            let fired = try await a + b
            // At risk, breach, and one ladder timer that fires every rung now due at once.
            #expect(fired == openExceptions * 3)
            let kpis = try await nodeA.headlineKPIs(by: .localOperator("test"))
            #expect(kpis.breachedOpen == openExceptions)
            let escalations = try await nodeA.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'sla.breached'").first()?.decode(column: "n", as: Int64.self)
            }
            #expect(escalations == Int64(openExceptions))
            #expect(try await nodeA.database.verifyAudit().intact)
            await nodeA.database.close()
            await nodeB.database.close()
        }
    }
}
