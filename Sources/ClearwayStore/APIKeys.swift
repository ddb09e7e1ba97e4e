import ClearwayCore
import Crypto
import Foundation
import SQLKit

extension Database {
    /// Stores a key (only the hash of `secret`), bound to `systems` and `partners` when
    /// given; audited with who created it.
    public func createAPIKey(name: String, role: Role, secret: String, at: Instant, by actor: String,
                             systems: [String]? = nil, partners: [String]? = nil) async throws -> APIKey {
        let key = APIKey(id: "key_" + String(APIKeySecret.hash(secret + name).prefix(12)), name: name,
                         prefix: String(secret.prefix(8)), role: role, createdAt: at, revokedAt: nil, systems: systems, partners: partners)
        let systemsText = try systems.map { try JSONText.encode($0) }, partnersText = try partners.map { try JSONText.encode($0) }
        try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO api_keys (id, name, prefix, secret_hash, role, created_at, revoked_at, systems, partners)
                VALUES (\(bind: key.id), \(bind: key.name), \(bind: key.prefix), \(bind: APIKeySecret.hash(secret)), \(bind: role.rawValue),
                        \(bind: at.millis), NULL, \(bind: systemsText), \(bind: partnersText))
                """).run()
            let bound = [systems.map { "systems \($0.joined(separator: ", "))" }, partners.map { "partners \($0.joined(separator: ", "))" }]
                .compactMap { $0 }.joined(separator: "; ")
            tx.audit(AuditEntry(at: at, actor: actor, caseId: nil, exceptionId: nil, action: "api_key.created",
                                after: role.rawValue, reason: "key \(key.id) (\(name))" + (bound.isEmpty ? "" : ", bound to \(bound)"), policyVersion: "-"))
        }
        return key
    }

    /// The active key with this secret, or nil (unknown or revoked).
    public func apiKey(secret: String) async throws -> APIKey? {
        try await read { sql in
            try await sql.raw("SELECT * FROM api_keys WHERE secret_hash = \(bind: APIKeySecret.hash(secret)) AND revoked_at IS NULL").first().map(APIKeyRow.decode)
        }
    }

    /// Revokes a key; every node stops accepting it as soon as the commit is announced
    /// (`keyRevocations`). Audited with who revoked it.
    public func revokeAPIKey(id: String, at: Instant, by actor: String) async throws -> Bool {
        try await transaction { tx in
            let rows = try await tx.sql.raw("UPDATE api_keys SET revoked_at = \(bind: at.millis) WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id").all()
            if !rows.isEmpty {
                tx.audit(AuditEntry(at: at, actor: actor, caseId: nil, exceptionId: nil, action: "api_key.revoked", reason: "key \(id)", policyVersion: "-"))
                tx.revokedKeys = true
            }
            return !rows.isEmpty
        }
    }

    public func apiKeyCount() async throws -> Int {
        try await read { Int(try await $0.raw("SELECT COUNT(*) AS n FROM api_keys").first()?.decode(column: "n", as: Int64.self) ?? 0) }
    }
}

enum APIKeyRow {
    static func decode(_ row: any SQLRow) throws -> APIKey {
        APIKey(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
               prefix: try row.decode(column: "prefix", as: String.self),
               role: try Role(rawValue: row.decode(column: "role", as: String.self)).orThrow("role"),
               createdAt: Instant(millis: try row.decode(column: "created_at", as: Int64.self)),
               revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Instant.init(millis:)),
               systems: try row.decode(column: "systems", as: String?.self).map { try JSONText.decode([String].self, $0) },
               partners: try row.decode(column: "partners", as: String?.self).map { try JSONText.decode([String].self, $0) })
    }
}
