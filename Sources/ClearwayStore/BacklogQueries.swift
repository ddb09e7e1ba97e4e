import ClearwayCore
import SQLKit




extension CaseQueries {
    /// Age buckets of open exceptions at `now`, and opened/resolved counts per UTC day for
    /// the `days` days up to `now`.
    public func backlogOverview(now: Instant, days: Int = 14) async throws -> BacklogOverview {
        let hour: Int64 = 3_600_000
        let bounds: [(String, Int64, Int64)] = [
            ("< 4 h", 0, 4 * hour), ("4–24 h", 4 * hour, 24 * hour), ("1–3 d", 24 * hour, 72 * hour),
            ("3–7 d", 72 * hour, 168 * hour), ("> 7 d", 168 * hour, Int64.max / 4),
        ]
        let firstDay = Int(now.millis / 86_400_000) - days + 1
        let since = Int64(firstDay) * 86_400_000
        return try await database.read { sql in
            var buckets: [BacklogOverview.AgeBucket] = []
            for (label, low, high) in bounds {
                let n = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL
                    AND opened_at <= \(bind: now.millis - low) AND opened_at > \(bind: now.millis - high)
                    """).first()?.decode(column: "n", as: Int64.self) ?? 0
                buckets.append(.init(label: label, count: Int(n)))
            }
            var byDay: [Int: BacklogOverview.Day] = [:]
            for d in firstDay..<(firstDay + days) { byDay[d] = .init(date: LocalDate(dayNumber: d), opened: 0, resolved: 0, resolvedAutomatically: 0) }
            for row in try await sql.raw("""
                SELECT opened_at / 86400000 AS d, COUNT(*) AS n FROM exceptions WHERE opened_at >= \(bind: since) GROUP BY opened_at / 86400000
                """).all() {
                let d = Int(try row.decode(column: "d", as: Int64.self))
                byDay[d]?.opened = Int(try row.decode(column: "n", as: Int64.self))
            }
            for row in try await sql.raw("""
                SELECT closed_at / 86400000 AS d, COUNT(*) AS n,
                    SUM(CASE WHEN touchless = 1 THEN 1 ELSE 0 END) AS auto
                FROM exceptions WHERE state = 'resolved' AND closed_at >= \(bind: since) GROUP BY closed_at / 86400000
                """).all() {
                let d = Int(try row.decode(column: "d", as: Int64.self))
                byDay[d]?.resolved = Int(try row.decode(column: "n", as: Int64.self))
                byDay[d]?.resolvedAutomatically = Int(try row.decode(column: "auto", as: Int64.self))
            }
            return BacklogOverview(ageBuckets: buckets, days: byDay.values.sorted { $0.date < $1.date })
        }
    }

    /// Open exceptions of one queue, filtered and sorted.
    public func queueItems(_ f: QueueFilter) async throws -> (items: [QueueItem], total: Int) {
        var conditions: [SQLQueryString] = ["e.queue = \(bind: f.queue)", "e.closed_at IS NULL"]
        if let v = f.type { conditions.append("e.type = \(bind: v.rawValue)") }
        if let v = f.site { conditions.append("c.site = \(bind: v)") }
        if let v = f.customerId { conditions.append("c.customer_id = \(bind: v)") }
        if let v = f.tier { conditions.append("c.customer_tier = \(bind: v.rawValue)") }
        if let v = f.openedBefore { conditions.append("e.opened_at <= \(bind: v.millis)") }
        let whereClause: SQLQueryString = " WHERE " + conditions.joined(separator: " AND ")
        let order: SQLQueryString = switch f.sort {
        case .priority: " ORDER BY e.priority DESC, e.opened_at ASC, e.id"
        case .age: " ORDER BY e.opened_at ASC, e.id"
        case .due: " ORDER BY e.due_at ASC, e.id"
        }
        let from: SQLQueryString = " FROM exceptions e JOIN cases c ON c.id = e.case_id"
        return try await database.read { sql in
            let total = try await sql.raw("SELECT COUNT(*) AS n" + from + whereClause).first()?.decode(column: "n", as: Int64.self) ?? 0
            let rows = try await sql.raw("SELECT e.*, c.order_id AS c_order_id, c.customer_id AS c_customer_id, c.customer_tier AS c_tier, c.site AS c_site"
                + from + whereClause + order + " LIMIT \(bind: f.limit)").all()
            let items = try rows.map { row in
                QueueItem(exception: try ExceptionRow.decode(row), orderId: try row.decode(column: "c_order_id", as: String?.self),
                          customerId: try row.decode(column: "c_customer_id", as: String.self),
                          tier: CustomerTier(rawValue: try row.decode(column: "c_tier", as: String.self)) ?? .standard,
                          site: try row.decode(column: "c_site", as: String.self))
            }
            return (items, Int(total))
        }
    }
}
