import SQLKit

/// Raw counts behind the headline KPIs; the engine turns them into rates.
public struct KPICounts: Sendable, Hashable {
    public var backlogOpen = 0, exceptionsOpen = 0, atRiskOpen = 0, breachedOpen = 0
    public var resolvedExceptions = 0, resolvedAutomatically = 0, resolvedOnTime = 0
    public var resolvedCases = 0, resolvedCasesFirstTouch = 0
    public var actionsPendingApproval = 0, actionsDeadLettered = 0
}

extension CaseQueries {
    public func kpiCounts() async throws -> KPICounts {
        try await database.read { sql in
            func count(_ q: SQLQueryString) async throws -> Int {
                Int(try await sql.raw(q).first()?.decode(column: "n", as: Int64.self) ?? 0)
            }
            var k = KPICounts()
            k.backlogOpen = try await count("SELECT COUNT(*) AS n FROM cases WHERE closed_at IS NULL")
            k.exceptionsOpen = try await count("SELECT COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL")
            k.atRiskOpen = try await count("SELECT COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND escalation = 'at_risk'")
            k.breachedOpen = try await count("SELECT COUNT(*) AS n FROM exceptions WHERE closed_at IS NULL AND escalation = 'breached'")
            k.resolvedExceptions = try await count("SELECT COUNT(*) AS n FROM exceptions WHERE state = 'resolved'")
            k.resolvedAutomatically = try await count("SELECT COUNT(*) AS n FROM exceptions WHERE state = 'resolved' AND touchless = 1")
            k.resolvedOnTime = try await count("SELECT COUNT(*) AS n FROM exceptions WHERE state = 'resolved' AND closed_at <= due_at")
            k.actionsPendingApproval = try await count("SELECT COUNT(*) AS n FROM actions WHERE state = 'pending_approval'")
            k.actionsDeadLettered = try await count("SELECT COUNT(*) AS n FROM actions WHERE state = 'dead_lettered'")
            k.resolvedCases = try await count("SELECT COUNT(*) AS n FROM cases WHERE state = 'resolved'")
            k.resolvedCasesFirstTouch = try await count("""
                SELECT COUNT(*) AS n FROM cases c WHERE c.state = 'resolved' AND
                (SELECT COUNT(*) FROM audit_log a WHERE a.case_id = c.id AND a.actor NOT LIKE 'system:%' AND a.action LIKE 'exception.%') <= 1
                """)
            return k
        }
    }
}
