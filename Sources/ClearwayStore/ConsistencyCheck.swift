import SQLKit

/// What `checkConsistency` found: each rule the store must keep, with the rows breaking it.
public struct ConsistencyReport: Sendable, Hashable {
    public struct Finding: Sendable, Hashable {
        public var rule: String
        public var count: Int
    }

    public var findings: [Finding]
    /// Totals for the report: events, cases, exceptions, actions, outbox rows.
    public var totals: [String: Int]
    public var consistent: Bool { findings.isEmpty }
}

extension Database {
    /// The rules that hold between cases, exceptions, actions and the outbox after any
    /// sequence of commits, whatever crashed in between. Each is one count query; a
    /// non-zero count is a finding. Used after crash tests and by `clearway check`.
    static let consistencyRules: [(rule: String, sql: String)] = [
        ("an exception belongs to a case that does not exist",
         "SELECT COUNT(*) AS n FROM exceptions e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id)"),
        ("a case has no exceptions",
         "SELECT COUNT(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.case_id = c.id)"),
        ("a case's exception count differs from its exceptions",
         "SELECT COUNT(*) AS n FROM cases c WHERE c.exception_count <> (SELECT COUNT(*) FROM exceptions e WHERE e.case_id = c.id)"),
        ("a closed case still has an open exception",
         """
         SELECT COUNT(*) AS n FROM cases c WHERE c.closed_at IS NOT NULL AND EXISTS (SELECT 1 FROM exceptions e
             WHERE e.case_id = c.id AND e.state IN ('open', 'assigned', 'waiting'))
         """),
        ("an open case has no open exception",
         """
         SELECT COUNT(*) AS n FROM cases c WHERE c.closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM exceptions e
             WHERE e.case_id = c.id AND e.state IN ('open', 'assigned', 'waiting'))
         """),
        ("an order has more than one open case",
         "SELECT COUNT(*) AS n FROM (SELECT order_key FROM cases WHERE closed_at IS NULL GROUP BY order_key HAVING COUNT(*) > 1) d"),
        ("an exception was recorded twice (same finding twice on one case)",
         "SELECT COUNT(*) AS n FROM (SELECT case_id, identity FROM exceptions GROUP BY case_id, identity HAVING COUNT(*) > 1) d"),
        ("an action belongs to an exception that does not exist",
         "SELECT COUNT(*) AS n FROM actions a WHERE NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.id = a.exception_id)"),
        ("a touchless rule decided the same action twice for one exception",
         """
         SELECT COUNT(*) AS n FROM (SELECT exception_id, kind FROM actions WHERE rule_id IS NOT NULL AND state NOT IN ('failed', 'cancelled', 'rejected')
             GROUP BY exception_id, kind HAVING COUNT(*) > 1) d
         """),
        ("a queued action has no pending delivery",
         """
         SELECT COUNT(*) AS n FROM actions a WHERE a.state = 'queued' AND NOT EXISTS (SELECT 1 FROM outbox o
             WHERE o.action_id = a.id AND o.state = 'pending')
         """),
        ("an action has more than one delivery in the outbox",
         "SELECT COUNT(*) AS n FROM (SELECT action_id FROM outbox WHERE action_id IS NOT NULL AND state = 'pending' GROUP BY action_id HAVING COUNT(*) > 1) d"),
        ("a delivery belongs to an action that does not exist",
         "SELECT COUNT(*) AS n FROM outbox o WHERE o.action_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = o.action_id)"),
        ("a completed action's delivery is still pending",
         """
         SELECT COUNT(*) AS n FROM actions a WHERE a.state = 'completed' AND EXISTS (SELECT 1 FROM outbox o
             WHERE o.action_id = a.id AND o.state = 'pending')
         """),
        ("an open exception has no SLA timer",
         """
         SELECT COUNT(*) AS n FROM exceptions e WHERE e.state IN ('open', 'assigned', 'waiting')
             AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.exception_id = e.id)
         """),
    ]

    public static var consistencyRuleCount: Int { consistencyRules.count }

    static let consistencyTotals: [(name: String, sql: String)] = [
        ("events", "SELECT COUNT(*) AS n FROM inbox"),
        ("cases", "SELECT COUNT(*) AS n FROM cases"),
        ("open cases", "SELECT COUNT(*) AS n FROM cases WHERE closed_at IS NULL"),
        ("exceptions", "SELECT COUNT(*) AS n FROM exceptions"),
        ("actions", "SELECT COUNT(*) AS n FROM actions"),
        ("completed actions", "SELECT COUNT(*) AS n FROM actions WHERE state = 'completed'"),
        ("pending deliveries", "SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"),
    ]

    /// Checks every consistency rule in one read. The queries are fixed text with no input.
    public func checkConsistency() async throws -> ConsistencyReport {
        try await read { sql in
            func count(_ text: String) async throws -> Int {
                guard let row = try await sql.raw(SQLQueryString(text)).first() else { return 0 }
                return Int(try row.decode(column: "n", as: Int64.self))
            }
            var findings: [ConsistencyReport.Finding] = []
            for rule in Self.consistencyRules {
                let n = try await count(rule.sql)
                if n > 0 { findings.append(.init(rule: rule.rule, count: n)) }
            }
            var totals: [String: Int] = [:]
            for total in Self.consistencyTotals { totals[total.name] = try await count(total.sql) }
            return ConsistencyReport(findings: findings, totals: totals)
        }
    }
}

extension Database {
    /// Every action's state by id, for comparing with what the source systems received.
    public func actionStates() async throws -> [String: String] {
        try await read { sql in
            var states: [String: String] = [:]
            for row in try await sql.raw("SELECT id, state FROM actions").all() {
                states[try row.decode(column: "id", as: String.self)] = try row.decode(column: "state", as: String.self)
            }
            return states
        }
    }
}
