import ClearwayCore
import Foundation
import SQLKit

/// Which open exceptions routing reads: in some queues, unassigned, assigned, or one person's.
public struct RoutableFilter: Sendable {
    public var queues: [String]?
    public var unassigned = false
    public var assigned = false
    public var assignee: String?
    public var limit: Int

    public init(queues: [String]? = nil, unassigned: Bool = false, assigned: Bool = false, assignee: String? = nil, limit: Int) {
        self.queues = queues; self.unassigned = unassigned; self.assigned = assigned; self.assignee = assignee; self.limit = limit
    }
}

/// The reads routing shares between a write transaction and a plain read.
enum PeopleRows {
    static func people(_ sql: any SQLDatabase) async throws -> [PersonProfile] {
        try await sql.raw("SELECT document FROM people ORDER BY username").all().map { row in
            try JSONText.decode(PersonProfile.self, row.decode(column: "document", as: String.self))
        }
    }

    /// Each assignee's open assigned work, weighted by `weight(type)`.
    static func load(_ sql: any SQLDatabase, weight: (String) -> Double) async throws -> [String: Double] {
        var load: [String: Double] = [:]
        for row in try await sql.raw("""
            SELECT assignee, type, COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND assignee IS NOT NULL GROUP BY assignee, type
            """).all() {
            let n = Double(try row.decode(column: "n", as: Int64.self))
            load[try row.decode(column: "assignee", as: String.self), default: 0] += n * weight(try row.decode(column: "type", as: String.self))
        }
        return load
    }

    /// Open exceptions as routing sees them, most urgent first; waiting ones only when a
    /// person's own work is read (it moves with them).
    static func items(_ sql: any SQLDatabase, _ f: RoutableFilter, now: Instant, lock: SQLQueryString = "") async throws -> [RoutableItem] {
        var conditions: [SQLQueryString] = ["e.closed_at IS NULL"]
        if let assignee = f.assignee { conditions.append("e.assignee = \(bind: assignee)") } else { conditions.append("e.state <> 'waiting'") }
        if f.assigned { conditions.append("e.assignee IS NOT NULL") }
        if f.unassigned { conditions.append("e.assignee IS NULL") }
        if let queues = f.queues {
            guard !queues.isEmpty else { return [] }
            conditions.append("e.queue IN (\(StoreTransaction.list(queues)))")
        }
        let rows = try await sql.raw("""
            SELECT e.id, e.case_id, e.queue, e.type, e.priority, e.at_risk_at, e.due_at, e.assignee, c.site, c.segment, c.customer_id
            FROM exceptions e JOIN cases c ON c.id = e.case_id WHERE
            """ + " " + conditions.joined(separator: " AND ") + " ORDER BY e.priority DESC, e.id LIMIT \(bind: f.limit)" + lock).all()
        return try rows.map { row in
            RoutableItem(exceptionId: try row.decode(column: "id", as: String.self), caseId: try row.decode(column: "case_id", as: String.self),
                         queue: try row.decode(column: "queue", as: String.self), type: try row.decode(column: "type", as: String.self),
                         site: try row.decode(column: "site", as: String.self), segment: try row.decode(column: "segment", as: String?.self),
                         customerId: try row.decode(column: "customer_id", as: String.self),
                         priority: try row.decode(column: "priority", as: Double.self),
                         atRisk: try row.decode(column: "at_risk_at", as: Int64.self) <= now.millis,
                         breached: try row.decode(column: "due_at", as: Int64.self) <= now.millis,
                         assignee: try row.decode(column: "assignee", as: String?.self))
        }
    }

    static func delegations(_ sql: any SQLDatabase) async throws -> [String: [(exceptionId: String, to: String?)]] {
        var out: [String: [(exceptionId: String, to: String?)]] = [:]
        for row in try await sql.raw("SELECT exception_id, from_user, to_user FROM delegations ORDER BY exception_id").all() {
            out[try row.decode(column: "from_user", as: String.self), default: []]
                .append((try row.decode(column: "exception_id", as: String.self), try row.decode(column: "to_user", as: String?.self)))
        }
        return out
    }
}

/// People's routing profiles, the open work routing reads, and delegations.
extension StoreTransaction {
    public func people() async throws -> [PersonProfile] { try await PeopleRows.people(sql) }

    public func savePerson(_ profile: PersonProfile, actor: String, at now: Instant) async throws {
        try await sql.raw("DELETE FROM people WHERE username = \(bind: profile.username)").run()
        try await sql.raw("""
            INSERT INTO people (username, document, updated_at, updated_by)
            VALUES (\(bind: profile.username), \(bind: try JSONText.encode(profile)), \(bind: now.millis), \(bind: actor))
            """).run()
    }

    public func assignedLoad(weight: (String) -> Double) async throws -> [String: Double] { try await PeopleRows.load(sql, weight: weight) }

    /// Open exceptions as routing sees them. With `lock` on PostgreSQL the rows are locked
    /// and rows another node holds are skipped, so two routing passes never move one item.
    public func routableItems(_ filter: RoutableFilter, now: Instant, lock: Bool = false) async throws -> [RoutableItem] {
        try await PeopleRows.items(sql, filter, now: now, lock: lock && dialect == .postgres ? " FOR UPDATE OF e SKIP LOCKED" : "")
    }

    /// Locks one exception for taking if it is still open and unassigned; false when it is
    /// taken, closed, or (on PostgreSQL) being taken by another transaction right now.
    public func lockUnassigned(_ exceptionId: String) async throws -> Bool {
        let skip: SQLQueryString = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await sql.raw("""
            SELECT id FROM exceptions WHERE id = \(bind: exceptionId) AND assignee IS NULL AND closed_at IS NULL
            """ + skip).first() != nil
    }

    /// Open unassigned work per queue.
    public func unassignedCounts() async throws -> [String: Int] {
        let rows = try await sql.raw("""
            SELECT queue, COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND assignee IS NULL AND state = 'open' GROUP BY queue
            """).all()
        var out: [String: Int] = [:]
        for row in rows { out[try row.decode(column: "queue", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self)) }
        return out
    }

    // MARK: Delegations

    public func recordDelegation(exceptionId: String, from: String, to: String?, until: Instant?, at now: Instant) async throws {
        try await sql.raw("DELETE FROM delegations WHERE exception_id = \(bind: exceptionId)").run()
        try await sql.raw("""
            INSERT INTO delegations (exception_id, from_user, to_user, until_at, created_at)
            VALUES (\(bind: exceptionId), \(bind: from), \(bind: to), \(bind: until?.millis), \(bind: now.millis))
            """).run()
    }

    /// What was handed over while people were away: per owner, each exception and who holds it.
    public func delegations() async throws -> [String: [(exceptionId: String, to: String?)]] { try await PeopleRows.delegations(sql) }

    public func clearDelegations(from username: String) async throws {
        try await sql.raw("DELETE FROM delegations WHERE from_user = \(bind: username)").run()
    }
}

/// The same reads outside any write transaction: what a routing pass would find, so a pass
/// with nothing to move opens no write transaction.
extension Database {
    public func people() async throws -> [PersonProfile] { try await read { try await PeopleRows.people($0) } }

    public func assignedLoad(weight: @escaping @Sendable (String) -> Double) async throws -> [String: Double] {
        try await read { try await PeopleRows.load($0, weight: weight) }
    }

    public func routableItems(_ filter: RoutableFilter, now: Instant) async throws -> [RoutableItem] {
        try await read { try await PeopleRows.items($0, filter, now: now) }
    }

    public func delegations() async throws -> [String: [(exceptionId: String, to: String?)]] {
        try await read { try await PeopleRows.delegations($0) }
    }
}
