import ClearwayCore
import SQLKit

extension CaseQueries {
    /// Every exception alive at some point in [from, to): opened before `to` and not closed
    /// before `from`, with its case's dimensions and its human work from the audit log.
    public func exceptionFacts(from: Instant, to: Instant) async throws -> [ExceptionFact] {
        try await database.read { sql in
            var work: [String: (touches: Int, handoffs: Int, reopened: Int)] = [:]
            let audit = try await sql.raw("""
                SELECT a.exception_id AS id,
                    SUM(CASE WHEN a.actor NOT LIKE 'system:%' THEN 1 ELSE 0 END) AS touches,
                    SUM(CASE WHEN a.action = 'exception.rerouted' THEN 1 ELSE 0 END) AS handoffs,
                    SUM(CASE WHEN a.action = 'exception.reopened' THEN 1 ELSE 0 END) AS reopened
                FROM audit_log a JOIN exceptions e ON e.id = a.exception_id
                WHERE e.opened_at < \(bind: to.millis) AND (e.closed_at IS NULL OR e.closed_at >= \(bind: from.millis))
                GROUP BY a.exception_id
                """).all()
            for row in audit {
                let id = try row.decode(column: "id", as: String.self)
                work[id] = (Int(try row.decode(column: "touches", as: Int64.self)), Int(try row.decode(column: "handoffs", as: Int64.self)),
                            Int(try row.decode(column: "reopened", as: Int64.self)))
            }
            let rows = try await sql.raw("""
                SELECT e.id, e.case_id, e.type, e.queue, e.state, e.opened_at, e.closed_at, e.due_at, e.touchless, e.sku, e.product_family, e.money_at_risk,
                    c.site, c.customer_id, c.customer_tier, c.segment, c.channel, c.opened_at AS case_opened_at,
                    c.closed_at AS case_closed_at
                FROM exceptions e JOIN cases c ON c.id = e.case_id
                WHERE e.opened_at < \(bind: to.millis) AND (e.closed_at IS NULL OR e.closed_at >= \(bind: from.millis))
                ORDER BY e.opened_at, e.id
                """).all()
            return try rows.map { row in
                let id = try row.decode(column: "id", as: String.self)
                let w = work[id] ?? (0, 0, 0)
                return ExceptionFact(
                    exceptionId: id, caseId: try row.decode(column: "case_id", as: String.self), type: try row.decode(column: "type", as: String.self),
                    queue: try row.decode(column: "queue", as: String.self), site: try row.decode(column: "site", as: String.self),
                    customerId: try row.decode(column: "customer_id", as: String.self), tier: try row.decode(column: "customer_tier", as: String.self),
                    segment: try row.decode(column: "segment", as: String?.self), channel: try row.decode(column: "channel", as: String?.self),
                    productFamily: try row.decode(column: "product_family", as: String?.self), sku: try row.decode(column: "sku", as: String?.self),
                    openedAt: try row.decode(column: "opened_at", as: Int64.self), closedAt: try row.decode(column: "closed_at", as: Int64?.self),
                    dueAt: try row.decode(column: "due_at", as: Int64.self), state: try row.decode(column: "state", as: String.self),
                    touchless: (try row.decode(column: "touchless", as: Int?.self) ?? 0) != 0,
                    moneyAtRisk: try row.decode(column: "money_at_risk", as: Int64?.self) ?? 0,
                    humanTouches: w.touches, handoffs: w.handoffs, reopened: w.reopened,
                    caseOpenedAt: try row.decode(column: "case_opened_at", as: Int64.self), caseClosedAt: try row.decode(column: "case_closed_at", as: Int64?.self))
            }
        }
    }

    /// Actions that needed an approval, asked for in [from, to).
    public func approvalFacts(from: Instant, to: Instant) async throws -> [ApprovalFact] {
        try await database.read { sql in
            try await sql.raw("""
                SELECT exception_id, kind, requested_at, decided_at, state FROM actions
                WHERE approval IS NOT NULL AND requested_at >= \(bind: from.millis) AND requested_at < \(bind: to.millis)
                ORDER BY requested_at
                """).all().map { row in
                let state = try row.decode(column: "state", as: String.self)
                return ApprovalFact(exceptionId: try row.decode(column: "exception_id", as: String.self), kind: try row.decode(column: "kind", as: String.self),
                                    requestedAt: try row.decode(column: "requested_at", as: Int64.self),
                                    decidedAt: try row.decode(column: "decided_at", as: Int64?.self),
                                    approved: !["rejected", "pending_approval", "cancelled"].contains(state))
            }
        }
    }
}

extension CaseQueries {
    /// The audit entries on cases in [from, to), in order, each with its case's order id:
    /// the raw material of the case event log (process mining, OCEL export).
    public func caseTrail(from: Instant, to: Instant) async throws -> [(entry: AuditEntry, orderId: String?)] {
        try await database.read { sql in
            try await sql.raw("""
                SELECT a.*, c.order_id AS trail_order_id FROM audit_log a JOIN cases c ON c.id = a.case_id
                WHERE a.at >= \(bind: from.millis) AND a.at < \(bind: to.millis) ORDER BY a.seq
                """).all().map { row in (try AuditRow.decode(row), try row.decode(column: "trail_order_id", as: String?.self)) }
        }
    }
}

extension CaseQueries {
    /// Every event received before `before`, as stored, in the order it arrived (on SQLite,
    /// insertion order breaks ties in time): what a policy backtest replays.
    public func inboxEvents(before: Instant) async throws -> [(event: String, receivedAt: Instant)] {
        let tieBreak: SQLQueryString = database.dialect == .sqlite ? "rowid" : "source, event_id"
        return try await database.read { sql in
            try await sql.raw("SELECT event, received_at FROM inbox WHERE received_at < \(bind: before.millis) ORDER BY received_at, \(tieBreak)")
                .all().map { (try $0.decode(column: "event", as: String.self), Instant(millis: try $0.decode(column: "received_at", as: Int64.self))) }
        }
    }
}
