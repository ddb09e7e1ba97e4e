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
    var inbox = PendingRows<StoreTransaction.InboxKey, (outcome: String, caseIds: [String])>()
    var actions = PendingRows<String, ActionRecord>()
    var outbox = PendingRows<String, Delivery>()
}

/// Rows waiting to be written, by key, in the order each key was first queued (so the
/// statements are the same on every run); queuing a key again replaces its row in place.
struct PendingRows<Key: Hashable, Row> {
    private var byKey: [Key: Row] = [:]
    private var order: [Key] = []

    subscript(key: Key) -> Row? { byKey[key] }

    mutating func queue(_ row: Row, for key: Key) {
        if byKey.updateValue(row, forKey: key) == nil { order.append(key) }
    }

    /// Replaces a queued row; false (and nothing changes) when the key is not queued.
    mutating func replace(_ row: Row, for key: Key) -> Bool {
        guard byKey[key] != nil else { return false }
        byKey[key] = row
        return true
    }

    /// The queued rows in order, leaving none queued.
    mutating func take() -> [(key: Key, row: Row)] {
        defer { self = PendingRows() }
        return order.map { ($0, byKey[$0]!) }
    }
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
            d.inbox.queue((outcome, caseIds), for: key)
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
        let (actions, outbox) = deferred.withLock { d in (d.actions.take().map(\.row), d.outbox.take().map(\.row)) }
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
        var pending = deferred.withLock { d in
            defer { d = DeferredWrites() }
            return d
        }
        for chunk in pending.timers.chunked(Self.deferredRowsPerStatement) {
            let rows: [SQLQueryString] = chunk.map { t in
                "(\(bind: t.id), \(bind: t.exceptionId), \(bind: t.caseId), \(bind: t.kind.rawValue), \(bind: t.dueAt.millis), NULL)"
            }
            try await sql.raw("INSERT INTO timers (id, exception_id, case_id, kind, due_at, fired_at) VALUES " + rows.joined(separator: ", ")).run()
        }
        for chunk in pending.inbox.take().chunked(Self.deferredRowsPerStatement) {
            let rows: [SQLQueryString] = try chunk.map { key, value in
                "(\(bind: key.source), \(bind: key.eventId), \(bind: value.outcome), \(bind: try JSONText.encode(value.caseIds)))"
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
