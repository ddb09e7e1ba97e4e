import ClearwayCore
import SQLKit




/// Read-side queries for the API and the console.
public struct CaseQueries: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public func list(_ f: CaseFilter) async throws -> CasePage {
        var conditions: [SQLQueryString] = []
        if !f.states.isEmpty { conditions.append("c.state IN (\(binds: f.states.map(\.rawValue)))") }
        if let v = f.site { conditions.append("c.site = \(bind: v)") }
        if let v = f.customerId { conditions.append("c.customer_id = \(bind: v)") }
        if let v = f.orderId { conditions.append("c.order_id = \(bind: v)") }
        if let v = f.tier { conditions.append("c.customer_tier = \(bind: v.rawValue)") }
        if let v = f.minPriority { conditions.append("c.priority >= \(bind: v)") }
        if let v = f.openedBefore { conditions.append("c.opened_at <= \(bind: v.millis)") }
        if f.queue != nil || f.type != nil {
            var sub: [SQLQueryString] = ["e.case_id = c.id"]
            if let q = f.queue { sub.append("e.queue = \(bind: q)") }
            if let t = f.type { sub.append("e.type = \(bind: t.rawValue)") }
            conditions.append("EXISTS (SELECT 1 FROM exceptions e WHERE \(sub.joined(separator: " AND ")))")
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let order: SQLQueryString = switch f.sort {
        case .priority: " ORDER BY c.priority DESC, c.opened_at ASC, c.id"
        case .age: " ORDER BY c.opened_at ASC, c.id"
        case .updated: " ORDER BY c.updated_at DESC, c.id"
        }
        let page: SQLQueryString = " LIMIT \(bind: f.limit) OFFSET \(bind: f.offset)"
        return try await database.read { sql in
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM cases c" + whereClause).first()?.decode(column: "n", as: Int64.self) ?? 0
            let cases = try await sql.raw("SELECT c.* FROM cases c" + whereClause + order + page).all().map(CaseRow.decode)
            var byCase: [String: [ExceptionRecord]] = [:]
            if !cases.isEmpty {
                let rows = try await sql.raw("SELECT * FROM exceptions WHERE case_id IN (\(binds: cases.map(\.id))) ORDER BY opened_at, id").all()
                for e in try rows.map(ExceptionRow.decode) { byCase[e.caseId, default: []].append(e) }
            }
            return CasePage(cases: cases, exceptions: byCase, total: Int(total))
        }
    }

    public func detail(_ id: String) async throws -> (CaseRecord, [ExceptionRecord], Order?)? {
        try await database.read { sql in
            guard let c = try await sql.raw("SELECT * FROM cases WHERE id = \(bind: id)").first().map(CaseRow.decode) else { return nil }
            let exceptions = try await sql.raw("SELECT * FROM exceptions WHERE case_id = \(bind: id) ORDER BY opened_at, id").all().map(ExceptionRow.decode)
            var order: Order?
            if let orderId = c.orderId, let row = try await sql.raw("SELECT doc FROM orders WHERE id = \(bind: orderId)").first() {
                order = try JSONText.decode(Order.self, row.decode(column: "doc", as: String.self))
            }
            return (c, exceptions, order)
        }
    }

    public func timeline(caseId: String) async throws -> [AuditEntry] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM audit_log WHERE case_id = \(bind: caseId) ORDER BY seq").all().map(AuditRow.decode)
        }
    }

    /// The newest audit entries, newest first: sign-ins, keys, subscriptions and other
    /// changes that belong to no case are found here.
    public func auditEntries(limit: Int) async throws -> [AuditEntry] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM audit_log ORDER BY seq DESC LIMIT \(bind: limit)").all().map(AuditRow.decode)
        }
    }

    public func queueStats() async throws -> [QueueStats] {
        try await database.read { sql in
            let rows = try await sql.raw("""
                SELECT queue, state, escalation, COUNT(*) AS n, MIN(opened_at) AS oldest, MIN(due_at) AS next_due
                FROM exceptions WHERE state NOT IN ('resolved', 'cancelled') GROUP BY queue, state, escalation
                """).all()
            var stats: [String: QueueStats] = [:]
            for row in rows {
                let queue = try row.decode(column: "queue", as: String.self)
                let n = Int(try row.decode(column: "n", as: Int64.self))
                var s = stats[queue] ?? QueueStats(queue: queue)
                switch try row.decode(column: "state", as: String.self) {
                case "assigned": s.assigned += n
                case "waiting": s.waiting += n
                default: s.open += n
                }
                switch try row.decode(column: "escalation", as: String.self) {
                case EscalationLevel.atRisk.rawValue: s.atRisk += n
                case EscalationLevel.breached.rawValue: s.breached += n
                default: break
                }
                let oldest = Instant(millis: try row.decode(column: "oldest", as: Int64.self))
                let due = Instant(millis: try row.decode(column: "next_due", as: Int64.self))
                s.oldestOpenedAt = min(s.oldestOpenedAt ?? oldest, oldest)
                s.nextDueAt = min(s.nextDueAt ?? due, due)
                stats[queue] = s
            }
            return stats.values.sorted { $0.queue < $1.queue }
        }
    }

    public func deadLetters(status: String?, limit: Int, offset: Int) async throws -> (items: [DeadLetter], total: Int) {
        try await database.read { sql in
            let filter: SQLQueryString = status.map { " WHERE status = \(bind: $0)" } ?? ""
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM dead_letters" + filter).first()?.decode(column: "n", as: Int64.self) ?? 0
            let items = try await sql.raw("SELECT * FROM dead_letters" + filter + " ORDER BY received_at DESC, id LIMIT \(bind: limit) OFFSET \(bind: offset)").all().map(DeadLetterRow.decode)
            return (items, Int(total))
        }
    }

    public func deadLetter(_ id: String) async throws -> DeadLetter? {
        try await database.read { try await $0.raw("SELECT * FROM dead_letters WHERE id = \(bind: id)").first().map(DeadLetterRow.decode) }
    }
}

enum AuditRow {
    static func decode(_ row: any SQLRow) throws -> AuditEntry {
        var e = AuditEntry(
            at: Instant(millis: try row.decode(column: "at", as: Int64.self)),
            actor: try row.decode(column: "actor", as: String.self),
            caseId: try row.decode(column: "case_id", as: String?.self),
            exceptionId: try row.decode(column: "exception_id", as: String?.self),
            action: try row.decode(column: "action", as: String.self),
            before: try row.decode(column: "before_state", as: String?.self),
            after: try row.decode(column: "after_state", as: String?.self),
            reason: try row.decode(column: "reason", as: String?.self),
            detail: try row.decode(column: "detail", as: String?.self).flatMap { JSONValue.parse(Data($0.utf8)) },
            policyVersion: try row.decode(column: "policy_version", as: String.self))
        e.seq = try row.decode(column: "seq", as: Int64.self)
        e.prevHash = try row.decode(column: "prev_hash", as: String.self)
        e.hash = try row.decode(column: "hash", as: String.self)
        return e
    }
}

import Foundation

extension CaseQueries {
    /// EDI senders not yet configured as partners: their pending documents per sender.
    public func unknownEDISenders() async throws -> [(source: String, documents: Int, lastReceived: Instant)] {
        try await database.read { sql in
            try await sql.raw("""
                SELECT source, COUNT(*) AS n, MAX(received_at) AS last FROM dead_letters
                WHERE status = 'pending' AND reason_code = 'unknown_partner' GROUP BY source ORDER BY source
                """).all().map { row in
                (try row.decode(column: "source", as: String.self), Int(try row.decode(column: "n", as: Int64.self)),
                 Instant(millis: try row.decode(column: "last", as: Int64.self)))
            }
        }
    }

    /// The pending dead letters of one unknown sender, oldest first.
    public func unknownSenderLetters(source: String) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw("""
                SELECT id FROM dead_letters WHERE status = 'pending' AND reason_code = 'unknown_partner' AND source = \(bind: source)
                ORDER BY received_at, id
                """).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }
}
