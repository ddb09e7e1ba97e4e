import ClearwayCore
import Foundation
import SQLKit

/// People's routing profiles, the open work routing reads, and delegations.
extension StoreTransaction {
    public func people() async throws -> [PersonProfile] {
        try await sql.raw("SELECT document FROM people ORDER BY username").all().map { row in
            try JSONText.decode(PersonProfile.self, row.decode(column: "document", as: String.self))
        }
    }

    public func savePerson(_ profile: PersonProfile, actor: String, at now: Instant) async throws {
        try await sql.raw("DELETE FROM people WHERE username = \(bind: profile.username)").run()
        try await sql.raw("""
            INSERT INTO people (username, document, updated_at, updated_by)
            VALUES (\(bind: profile.username), \(bind: try JSONText.encode(profile)), \(bind: now.millis), \(bind: actor))
            """).run()
    }

    /// Each assignee's open assigned work, weighted by `weight(type)`.
    public func assignedLoad(weight: (String) -> Double) async throws -> [String: Double] {
        let rows = try await sql.raw("""
            SELECT assignee, type, COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND assignee IS NOT NULL GROUP BY assignee, type
            """).all()
        var load: [String: Double] = [:]
        for row in rows {
            let n = Double(try row.decode(column: "n", as: Int64.self))
            load[try row.decode(column: "assignee", as: String.self), default: 0] += n * weight(try row.decode(column: "type", as: String.self))
        }
        return load
    }

    /// Open exceptions in `queues` as routing sees them, most urgent first. `unassigned`
    /// keeps only those nobody holds; `assignee` only one person's. With `lock` on
    /// PostgreSQL the rows are locked and rows another node holds are skipped, so two
    /// people pressing Get next at once never take the same item.
    public func routableItems(queues: [String]? = nil, unassigned: Bool = false, assignee: String? = nil, now: Instant, limit: Int,
                              lock: Bool = false) async throws -> [RoutableItem] {
        var conditions: [SQLQueryString] = ["e.closed_at IS NULL", "e.state <> 'waiting'"]
        if let queues {
            guard !queues.isEmpty else { return [] }
            conditions.append("e.queue IN (\(Self.list(queues)))")
        }
        if unassigned { conditions.append("e.assignee IS NULL") }
        if let assignee { conditions = ["e.closed_at IS NULL", "e.assignee = \(bind: assignee)"] }
        let skip: SQLQueryString = lock && dialect == .postgres ? " FOR UPDATE OF e SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            SELECT e.id, e.case_id, e.queue, e.type, e.priority, e.at_risk_at, e.assignee, c.site, c.segment, c.customer_id
            FROM exceptions e JOIN cases c ON c.id = e.case_id WHERE 
            """ + conditions.joined(separator: " AND ")
            + " ORDER BY e.priority DESC, e.id LIMIT \(bind: limit)" + skip).all()
        return try rows.map { row in
            RoutableItem(exceptionId: try row.decode(column: "id", as: String.self), caseId: try row.decode(column: "case_id", as: String.self),
                         queue: try row.decode(column: "queue", as: String.self), type: try row.decode(column: "type", as: String.self),
                         site: try row.decode(column: "site", as: String.self), segment: try row.decode(column: "segment", as: String?.self),
                         customerId: try row.decode(column: "customer_id", as: String.self),
                         priority: try row.decode(column: "priority", as: Double.self),
                         atRisk: try row.decode(column: "at_risk_at", as: Int64.self) <= now.millis,
                         assignee: try row.decode(column: "assignee", as: String?.self))
        }
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
    public func delegations() async throws -> [String: [(exceptionId: String, to: String?)]] {
        let rows = try await sql.raw("SELECT exception_id, from_user, to_user FROM delegations ORDER BY exception_id").all()
        var out: [String: [(exceptionId: String, to: String?)]] = [:]
        for row in rows {
            out[try row.decode(column: "from_user", as: String.self), default: []]
                .append((try row.decode(column: "exception_id", as: String.self), try row.decode(column: "to_user", as: String?.self)))
        }
        return out
    }

    public func clearDelegations(from username: String) async throws {
        try await sql.raw("DELETE FROM delegations WHERE from_user = \(bind: username)").run()
    }
}

extension Database {
    /// What a routing pass would find, read without a write transaction: who holds open
    /// work, who handed work over, and how much unassigned work waits in `pushQueues`.
    public func routingBacklog(pushQueues: [String]) async throws -> (holders: Set<String>, delegators: Set<String>, unassignedPush: Int) {
        try await read { sql in
            let holders = try await sql.raw("SELECT DISTINCT assignee FROM exceptions WHERE closed_at IS NULL AND assignee IS NOT NULL").all()
                .map { try $0.decode(column: "assignee", as: String.self) }
            let delegators = try await sql.raw("SELECT DISTINCT from_user FROM delegations").all()
                .map { try $0.decode(column: "from_user", as: String.self) }
            var unassigned = 0
            if !pushQueues.isEmpty {
                unassigned = Int(try await sql.raw("""
                    SELECT COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND assignee IS NULL AND state = 'open'
                    AND queue IN (\(StoreTransaction.list(pushQueues)))
                    """).first()?.decode(column: "n", as: Int64.self) ?? 0)
            }
            return (Set(holders), Set(delegators), unassigned)
        }
    }

    public func people() async throws -> [PersonProfile] {
        try await read { sql in
            try await sql.raw("SELECT document FROM people ORDER BY username").all().map { row in
                try JSONText.decode(PersonProfile.self, row.decode(column: "document", as: String.self))
            }
        }
    }
}

extension Database {
    /// Each assignee's weighted open load, read outside any write.
    public func transactionFreeLoad(weight: @escaping @Sendable (String) -> Double) async throws -> [String: Double] {
        try await read { sql in
            var load: [String: Double] = [:]
            for row in try await sql.raw("""
                SELECT assignee, type, COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND assignee IS NOT NULL GROUP BY assignee, type
                """).all() {
                let n = Double(try row.decode(column: "n", as: Int64.self))
                load[try row.decode(column: "assignee", as: String.self), default: 0] += n * weight(try row.decode(column: "type", as: String.self))
            }
            return load
        }
    }
}
