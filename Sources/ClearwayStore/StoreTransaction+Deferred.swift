import ClearwayCore
import SQLKit

/// Rows a transaction writes but rarely reads back before it commits are collected and
/// written together just before the commit, a few multi-row statements instead of one
/// statement each: an exception's SLA timers, the outcome recorded on an event's inbox
/// row, new actions and new deliveries in the outbox. Reads of those rows inside the
/// transaction see the collected values (`inboxRecord`, `action`) or flush them first
/// (`claimDueTimers`, `actions(exceptionId:)`, the outbox's reads).
struct DeferredWrites {
    var timers: [TimerRecord] = []
    var inbox: [StoreTransaction.InboxKey: (outcome: String, caseIds: [String])] = [:]
    /// The order outcomes were first recorded in, so statements are the same on every run.
    var inboxOrder: [StoreTransaction.InboxKey] = []
    /// New actions and deliveries by id, in the order they were first queued.
    var actions: [String: ActionRecord] = [:]
    var actionOrder: [String] = []
    var outbox: [String: Delivery] = [:]
    var outboxOrder: [String] = []
}

extension StoreTransaction {
    /// Rows per deferred statement: at most 6 binds each, well inside both databases' limits.
    static let deferredRowsPerStatement = 100

    public func scheduleTimers(_ timers: [TimerRecord]) async throws {
        deferred.withLock { $0.timers += timers }
    }

    /// Pending timers of an exception stop counting once it is closed.
    public func cancelTimers(exceptionId: String) async throws {
        deferred.withLock { $0.timers.removeAll { $0.exceptionId == exceptionId } }
        try await sql.raw("DELETE FROM timers WHERE exception_id = \(bind: exceptionId) AND fired_at IS NULL").run()
    }

    /// Records an event's outcome and the cases it touched on its inbox row (at commit).
    public func updateInbox(source: String, eventId: String, outcome: String, caseIds: [String]) async throws {
        let key = InboxKey(source: source, eventId: eventId)
        deferred.withLock { d in
            if d.inbox.updateValue((outcome, caseIds), forKey: key) == nil { d.inboxOrder.append(key) }
        }
    }

    /// The inbox row as this transaction leaves it.
    public func inboxRecord(source: String, eventId: String) async throws -> InboxRecord? {
        let stored = try await sql.raw("SELECT * FROM inbox WHERE source = \(bind: source) AND event_id = \(bind: eventId)").first().map(InboxRow.decode)
        guard var record = stored else { return nil }
        if let pending = deferred.withLock({ $0.inbox[InboxKey(source: source, eventId: eventId)] }) {
            record.outcome = pending.outcome
            record.caseIds = pending.caseIds
        }
        return record
    }

    /// Rows per multi-row action insert (22 binds each).
    static let actionRowsPerStatement = 40

    /// Inserts the new actions and deliveries queued so far (before a read of either table).
    func flushDeferredRows() async throws {
        let (actions, outbox) = deferred.withLock { d in
            defer { (d.actions, d.actionOrder, d.outbox, d.outboxOrder) = ([:], [], [:], []) }
            return (d.actionOrder.compactMap { d.actions[$0] }, d.outboxOrder.compactMap { d.outbox[$0] })
        }
        for chunk in actions.chunked(Self.actionRowsPerStatement) {
            try await sql.raw(SQLQueryString(Self.actionColumns) + chunk.map(Self.actionRow).joined(separator: ", ")).run()
        }
        for chunk in outbox.chunked(Self.deferredRowsPerStatement) {
            try await sql.raw(SQLQueryString(Self.outboxColumns) + chunk.map(Self.outboxRow).joined(separator: ", ")).run()
        }
    }

    /// Writes what was deferred; called before any read that needs it and before commit.
    func flushDeferred() async throws {
        try await flushDeferredRows()
        let pending = deferred.withLock { d in
            defer { d = DeferredWrites() }
            return d
        }
        for chunk in pending.timers.chunked(Self.deferredRowsPerStatement) {
            let rows: [SQLQueryString] = chunk.map { t in
                "(\(bind: t.id), \(bind: t.exceptionId), \(bind: t.caseId), \(bind: t.kind.rawValue), \(bind: t.dueAt.millis), NULL)"
            }
            try await sql.raw("INSERT INTO timers (id, exception_id, case_id, kind, due_at, fired_at) VALUES " + rows.joined(separator: ", ")).run()
        }
        for chunk in pending.inboxOrder.chunked(Self.deferredRowsPerStatement) {
            let rows: [SQLQueryString] = try chunk.map { key in
                let value = pending.inbox[key]!
                return "(\(bind: key.source), \(bind: key.eventId), \(bind: value.outcome), \(bind: try JSONText.encode(value.caseIds)))"
            }
            // VALUES columns are column1… on both databases.
            try await sql.raw("""
                UPDATE inbox SET outcome = v.column3, cases = v.column4 FROM (VALUES
                """ + rows.joined(separator: ", ") + """
                ) AS v WHERE inbox.source = v.column1 AND inbox.event_id = v.column2
                """).run()
        }
    }
}

extension Array {
    /// The elements in consecutive slices of at most `size`.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
