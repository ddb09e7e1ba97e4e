import ClearwayCore
import SQLKit

/// Saved queue views, private or shared with a queue's team.
extension Database {
    /// Views `username` owns or that are shared with a team (the caller filters by skill).
    public func savedViews(visibleTo username: String) async throws -> [SavedView] {
        try await read { sql in
            try await sql.raw("""
                SELECT document FROM saved_views WHERE owner = \(bind: username) OR team IS NOT NULL ORDER BY name, id
                """).all().map { try JSONText.decode(SavedView.self, $0.decode(column: "document", as: String.self)) }
        }
    }

    public func savedView(_ id: String) async throws -> SavedView? {
        try await read { sql in
            try await sql.raw("SELECT document FROM saved_views WHERE id = \(bind: id)").first()
                .map { try JSONText.decode(SavedView.self, $0.decode(column: "document", as: String.self)) }
        }
    }

    public func saveView(_ view: SavedView, actor: String) async throws {
        try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO saved_views (id, owner, team, name, document, created_at)
                VALUES (\(bind: view.id), \(bind: view.owner), \(bind: view.team), \(bind: view.name), \(bind: try JSONText.encode(view)),
                        \(bind: view.createdAt.millis))
                """).run()
            tx.audit(AuditEntry(at: view.createdAt, actor: actor, caseId: nil, exceptionId: nil, action: "view.saved", after: view.id,
                                reason: "\(view.name) on \(view.queue)" + (view.team.map { ", shared with the \($0) team" } ?? ", private"),
                                policyVersion: "-"))
        }
    }

    public func deleteView(_ view: SavedView, actor: String, at now: Instant) async throws {
        try await transaction { tx in
            try await tx.sql.raw("DELETE FROM saved_views WHERE id = \(bind: view.id)").run()
            tx.audit(AuditEntry(at: now, actor: actor, caseId: nil, exceptionId: nil, action: "view.deleted", before: view.id,
                                reason: view.name, policyVersion: "-"))
        }
    }
}
