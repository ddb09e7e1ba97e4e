import ClearwayCore
import SQLKit

/// Read-side queries about actions and deliveries, for the API and the console.
extension CaseQueries {
    public func actions(caseId: String) async throws -> [ActionRecord] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM actions WHERE case_id = \(bind: caseId) ORDER BY requested_at, id").all().map(ActionRow.decode)
        }
    }

    /// Actions in `state` (all states when nil), oldest first, for work lists such as
    /// "waiting for my approval" and the outbox dead letters.
    public func actions(state: ActionState?, limit: Int) async throws -> [ActionRecord] {
        try await database.read { sql in
            if let state {
                return try await sql.raw("SELECT * FROM actions WHERE state = \(bind: state.rawValue) ORDER BY requested_at, id LIMIT \(bind: limit)")
                    .all().map(ActionRow.decode)
            }
            return try await sql.raw("SELECT * FROM actions ORDER BY requested_at DESC, id LIMIT \(bind: limit)").all().map(ActionRow.decode)
        }
    }

    public func action(_ id: String) async throws -> ActionRecord? {
        try await database.read { sql in try await sql.raw("SELECT * FROM actions WHERE id = \(bind: id)").first().map(ActionRow.decode) }
    }

    /// Deliveries per target and state, for connector health.
    public func outboxCounts() async throws -> [(target: String, state: String, count: Int)] {
        try await database.read { sql in
            try await sql.raw("SELECT target, state, COUNT(*) AS n FROM outbox GROUP BY target, state ORDER BY target, state").all().map {
                (try $0.decode(column: "target", as: String.self), try $0.decode(column: "state", as: String.self),
                 Int(try $0.decode(column: "n", as: Int64.self)))
            }
        }
    }
}

extension CaseQueries {
    public func caseExists(_ id: String) async throws -> Bool {
        try await database.read { sql in try await sql.raw("SELECT id FROM cases WHERE id = \(bind: id)").first() != nil }
    }
}
