import ClearwayCore
@testable import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

/// Timers and inbox outcomes are written together at commit; inside the transaction they
/// read as written, and after it they are stored exactly once.
@Suite("Deferred writes")
struct DeferredWriteTests {
    static let at = Instant(millis: 1_795_878_000_000)

    static func inbox(_ id: String) -> (InboxRecord, String) {
        (InboxRecord(source: "erp", eventId: id, type: "order.created", receivedAt: at, outcome: "accepted", caseIds: []), "{}")
    }

    static func timer(_ id: String, exception: String, due: Int64) -> TimerRecord {
        TimerRecord(id: id, exceptionId: exception, caseId: "CASE-1", kind: .breach, dueAt: Instant(millis: due))
    }

    @Test("an outcome recorded on an inbox row reads back in the transaction and is stored at commit, for many rows at once",
          arguments: TestDatabaseKind.available)
    func inboxOutcomes(kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let ids = (0..<250).map { "E-\($0)" }
            try await db.transaction { tx in
                _ = try await tx.claimInbox(ids.map(Self.inbox))
                for (k, id) in ids.enumerated() where k % 2 == 0 {
                    try await tx.updateInbox(source: "erp", eventId: id, outcome: "accepted", caseIds: ["CASE-\(k)"])
                }
                try await tx.updateInbox(source: "erp", eventId: "E-0", outcome: "dead_lettered", caseIds: [])
                let first = try await tx.inboxRecord(source: "erp", eventId: "E-0")
                #expect(first?.outcome == "dead_lettered" && first?.caseIds == [], "the latest outcome, before commit")
                let second = try await tx.inboxRecord(source: "erp", eventId: "E-2")
                #expect(second?.caseIds == ["CASE-2"])
            }
            try await db.transaction { tx in
                let first = try await tx.inboxRecord(source: "erp", eventId: "E-0")
                let late = try await tx.inboxRecord(source: "erp", eventId: "E-248")
                let untouched = try await tx.inboxRecord(source: "erp", eventId: "E-1")
                #expect(first?.outcome == "dead_lettered")
                #expect(late?.caseIds == ["CASE-248"], "past the first statement's rows")
                #expect(untouched?.caseIds == [] && untouched?.outcome == "accepted", "an event without an outcome keeps its claim")
            }
        }
    }

    @Test("timers scheduled in a transaction are claimable in it, a cancelled one is never stored, and the rest are stored once",
          arguments: TestDatabaseKind.available)
    func timers(kind: TestDatabaseKind) async throws {
        try await TestDatabase.with(kind) { db in
            let due = Self.at.millis - 1
            try await db.transaction { tx in
                try await tx.scheduleTimers((0..<150).map { Self.timer("T-\($0)", exception: "EX-\($0 % 3)", due: due) })
                try await tx.cancelTimers(exceptionId: "EX-2")
            }
            try await db.transaction { tx in
                try await tx.scheduleTimers([Self.timer("T-new", exception: "EX-9", due: due)])
                let claimed = try await tx.claimDueTimers(now: Self.at, limit: 500)
                #expect(claimed.count == 101, "100 committed (EX-2's 50 cancelled) and one scheduled in this transaction")
                #expect(!claimed.contains { $0.exceptionId == "EX-2" })
                #expect(Set(claimed.map(\.id)).count == claimed.count, "each timer stored once")
            }
        }
    }
}
