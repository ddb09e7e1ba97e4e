import ClearwayCore
import SQLKit

/// A resolved exception and the step that resolved it, for the recommender.
public struct ResolvedExceptionRow: Sendable {
    public var id: String
    public var type: String
    public var customerId: String
    public var productFamily: String?
    public var site: String
    public var resolutionCode: String?
    /// Kinds of the actions completed on it (applied by the source system), if any.
    public var appliedActions: [String]
    public var openedAt: Instant
    public var closedAt: Instant
    /// What the exception put at risk when it was found (the size of its gap).
    public var moneyAtRisk: Money?
    /// Resolved by a touchless rule, with no person.
    public var touchless: Bool
}

extension StoreTransaction {
    public func insertRecommendationFeedback(id: String, exceptionId: String, type: String, step: String, accepted: Bool, by: String, at: Instant) async throws {
        try await sql.raw("""
            INSERT INTO recommendation_feedback (id, exception_id, type, step, accepted, decided_by, decided_at)
            VALUES (\(bind: id), \(bind: exceptionId), \(bind: type), \(bind: step), \(bind: accepted ? 1 : 0), \(bind: by), \(bind: at.millis))
            """).run()
    }
}

extension CaseQueries {
    /// Exceptions of a type (or of every type) resolved since `since`, newest first, with the
    /// actions applied on them.
    public func resolvedExceptions(type: String?, since: Instant, limit: Int) async throws -> [ResolvedExceptionRow] {
        try await database.read { sql in
            let ofType: SQLQueryString = type.map { "AND e.type = \(bind: $0)" } ?? ""
            let rows = try await sql.raw("""
                SELECT e.id, e.type, c.customer_id, e.product_family, c.site, e.resolution_code, e.opened_at, e.closed_at, e.money_at_risk, e.touchless
                FROM exceptions e JOIN cases c ON c.id = e.case_id
                WHERE e.state = 'resolved' AND e.closed_at >= \(bind: since.millis) \(ofType)
                ORDER BY e.closed_at DESC LIMIT \(bind: limit)
                """).all()
            var actions: [String: [String]] = [:]
            let applied = try await sql.raw("""
                SELECT a.exception_id, a.kind FROM actions a JOIN exceptions e ON e.id = a.exception_id
                WHERE a.state = \(bind: ActionState.completed.rawValue) AND e.closed_at >= \(bind: since.millis) \(ofType)
                ORDER BY a.exception_id, a.requested_at, a.id
                """).all()
            for row in applied {
                actions[try row.decode(column: "exception_id", as: String.self), default: []].append(try row.decode(column: "kind", as: String.self))
            }
            return try rows.map { row in
                let id = try row.decode(column: "id", as: String.self)
                return ResolvedExceptionRow(id: id, type: try row.decode(column: "type", as: String.self), customerId: try row.decode(column: "customer_id", as: String.self),
                                            productFamily: try row.decode(column: "product_family", as: String?.self), site: try row.decode(column: "site", as: String.self),
                                            resolutionCode: try row.decode(column: "resolution_code", as: String?.self), appliedActions: actions[id] ?? [],
                                            openedAt: Instant(millis: try row.decode(column: "opened_at", as: Int64.self)),
                                            closedAt: Instant(millis: try row.decode(column: "closed_at", as: Int64.self)),
                                            moneyAtRisk: try row.decode(column: "money_at_risk", as: Int64?.self).map(Money.init(tenThousandths:)),
                                            touchless: (try row.decode(column: "touchless", as: Int?.self) ?? 0) != 0)
            }
        }
    }

    /// Accepted and rejected counts per step for a type.
    public func recommendationFeedback(type: String) async throws -> [String: (accepted: Int, rejected: Int)] {
        try await database.read { sql in
            var out: [String: (accepted: Int, rejected: Int)] = [:]
            for row in try await sql.raw("SELECT step, accepted, COUNT(*) AS n FROM recommendation_feedback WHERE type = \(bind: type) GROUP BY step, accepted").all() {
                let step = try row.decode(column: "step", as: String.self), n = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "accepted", as: Int.self) == 1 { out[step, default: (0, 0)].accepted += n } else { out[step, default: (0, 0)].rejected += n }
            }
            return out
        }
    }
}
