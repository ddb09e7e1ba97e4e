import ClearwayCore
import SQLKit

extension Database {
    /// Open work per assignee: how many, how many at risk, how many past due.
    public func assigneeCounts(now: Instant) async throws -> [String: AssigneeCounts] {
        try await read { sql in
            let rows = try await sql.raw("""
                SELECT assignee, COUNT(*) AS n,
                    SUM(CASE WHEN at_risk_at <= \(bind: now.millis) AND due_at > \(bind: now.millis) THEN 1 ELSE 0 END) AS risk,
                    SUM(CASE WHEN due_at <= \(bind: now.millis) THEN 1 ELSE 0 END) AS late
                FROM exceptions WHERE closed_at IS NULL AND assignee IS NOT NULL GROUP BY assignee
                """).all()
            var out: [String: AssigneeCounts] = [:]
            for row in rows {
                out[try row.decode(column: "assignee", as: String.self)] = AssigneeCounts(
                    open: Int(try row.decode(column: "n", as: Int64.self)), atRisk: Int(try row.decode(column: "risk", as: Int64?.self) ?? 0),
                    breached: Int(try row.decode(column: "late", as: Int64?.self) ?? 0))
            }
            return out
        }
    }

    /// Per queue: open and unassigned now, and per UTC day since `since` the exceptions
    /// opened and resolved.
    public func queueFlows(since: Instant, now: Instant) async throws -> [String: (open: Int, unassigned: Int, days: [LocalDate: (Int, Int)])] {
        try await read { sql in
            var out: [String: (open: Int, unassigned: Int, days: [LocalDate: (Int, Int)])] = [:]
            for row in try await sql.raw("""
                SELECT queue, COUNT(*) AS n, SUM(CASE WHEN assignee IS NULL THEN 1 ELSE 0 END) AS free
                FROM exceptions WHERE closed_at IS NULL GROUP BY queue
                """).all() {
                out[try row.decode(column: "queue", as: String.self)] = (Int(try row.decode(column: "n", as: Int64.self)),
                                                                       Int(try row.decode(column: "free", as: Int64?.self) ?? 0), [:])
            }
            for (column, isInflow) in [("opened_at", true), ("closed_at", false)] {
                let rows = try await sql.raw("""
                    SELECT queue, \(unsafeRaw: column) / 86400000 AS d, COUNT(*) AS n FROM exceptions
                    WHERE \(unsafeRaw: column) >= \(bind: since.millis) AND \(unsafeRaw: column) <= \(bind: now.millis) GROUP BY queue, d
                    """).all()
                for row in rows {
                    let queue = try row.decode(column: "queue", as: String.self)
                    let day = LocalDate(dayNumber: Int(try row.decode(column: "d", as: Int64.self)))
                    let n = Int(try row.decode(column: "n", as: Int64.self))
                    var entry = out[queue] ?? (0, 0, [:])
                    var pair = entry.days[day] ?? (0, 0)
                    if isInflow { pair.0 += n } else { pair.1 += n }
                    entry.days[day] = pair
                    out[queue] = entry
                }
            }
            return out
        }
    }
}

extension Database {
    /// Open exceptions assigned to `username`, with the case columns a work list shows.
    public func assignedWork(to username: String, limit: Int) async throws -> [QueueItem] {
        try await read { sql in
            try await sql.raw("""
                SELECT e.*, c.order_id AS c_order_id, c.customer_id AS c_customer_id, c.customer_tier AS c_tier, c.site AS c_site
                FROM exceptions e JOIN cases c ON c.id = e.case_id WHERE e.assignee = \(bind: username) AND e.closed_at IS NULL
                ORDER BY e.due_at, e.id LIMIT \(bind: limit)
                """).all().map { row in
                QueueItem(exception: try ExceptionRow.decode(row), orderId: try row.decode(column: "c_order_id", as: String?.self),
                          customerId: try row.decode(column: "c_customer_id", as: String.self),
                          tier: CustomerTier(rawValue: try row.decode(column: "c_tier", as: String.self)) ?? .standard,
                          site: try row.decode(column: "c_site", as: String.self))
            }
        }
    }
}
