import ClearwayCore
import Foundation
import SQLKit

/// A sign-in sent to the identity provider: what the answer must match.
public struct PendingSignIn: Sendable {
    public let nonce: String
    public let verifier: String
    public let next: String

    public init(nonce: String, verifier: String, next: String) { self.nonce = nonce; self.verifier = verifier; self.next = next }
}

/// Sign-ins through the identity provider: pending ones, and the people they provision.
extension StoreTransaction {
    /// Keeps a sign-in until the provider sends the person back (by the state's hash);
    /// drops those older than `expiredBefore`.
    public func savePendingSignIn(state: String, _ pending: PendingSignIn, at now: Instant, expiredBefore: Instant) async throws {
        try await sql.raw("DELETE FROM sso_pending WHERE created_at < \(bind: expiredBefore.millis)").run()
        try await sql.raw("""
            INSERT INTO sso_pending (state_hash, nonce, verifier, next_path, created_at)
            VALUES (\(bind: APIKeySecret.hash(state)), \(bind: pending.nonce), \(bind: pending.verifier), \(bind: pending.next), \(bind: now.millis))
            """).run()
    }

    /// Takes a pending sign-in once: a second callback with the same state finds nothing.
    public func takePendingSignIn(state: String, notBefore: Instant) async throws -> PendingSignIn? {
        let hash = APIKeySecret.hash(state)
        guard let row = try await sql.raw("SELECT * FROM sso_pending WHERE state_hash = \(bind: hash)\(unsafeRaw: dialect.forUpdate)").first() else {
            return nil
        }
        try await sql.raw("DELETE FROM sso_pending WHERE state_hash = \(bind: hash)").run()
        guard try row.decode(column: "created_at", as: Int64.self) >= notBefore.millis else { return nil }
        return PendingSignIn(nonce: try row.decode(column: "nonce", as: String.self), verifier: try row.decode(column: "verifier", as: String.self),
                             next: try row.decode(column: "next_path", as: String.self))
    }

    /// The person provisioned for `subject` (`issuer|sub`), and whether they are disabled.
    public func user(ssoSubject subject: String) async throws -> (user: ConsoleUser, disabled: Bool)? {
        guard let row = try await sql.raw("SELECT * FROM users WHERE sso_subject = \(bind: subject)\(unsafeRaw: dialect.forUpdate)").first() else {
            return nil
        }
        return (try UserRow.decode(row), try row.decode(column: "disabled_at", as: Int64?.self) != nil)
    }

    /// Creates a person on their first sign-in. The username is `preferred` made safe, with
    /// a number added when a local account already has it.
    public func provisionUser(ssoSubject subject: String, preferred: String, displayName: String, role: Role, at now: Instant) async throws -> ConsoleUser {
        let base = Self.safeUsername(preferred)
        var username = base, n = 1
        while try await sql.raw("SELECT 1 AS n FROM users WHERE username = \(bind: username)").first() != nil {
            n += 1
            username = "\(base.prefix(60))-\(n)"
        }
        let user = ConsoleUser(id: "usr_" + String(APIKeySecret.hash(subject).prefix(12)), username: username,
                               displayName: String(displayName.prefix(120)), role: role)
        try await sql.raw("""
            INSERT INTO users (id, username, display_name, role, password_hash, created_at, disabled_at, sso_subject)
            VALUES (\(bind: user.id), \(bind: username), \(bind: user.displayName), \(bind: role.rawValue), \(bind: PasswordHash.none),
                    \(bind: now.millis), NULL, \(bind: subject))
            """).run()
        return user
    }

    public func setUserRole(id: String, role: Role) async throws {
        try await sql.raw("UPDATE users SET role = \(bind: role.rawValue) WHERE id = \(bind: id)").run()
    }

    /// Letters, digits, `.`, `_` and `-` only, 2 to 64 of them (as for local accounts).
    static func safeUsername(_ text: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        let local = text.split(separator: "@").first.map(String.init) ?? text
        var safe = String(String.UnicodeScalarView(local.unicodeScalars.filter { allowed.contains($0) && $0.isASCII }).prefix(64))
        if safe.count < 2 { safe = "user" + safe }
        return safe
    }
}

extension Database {
    /// Whether this person signs in through the identity provider (a read, outside any write).
    public func isSingleSignOnUser(id: String) async throws -> Bool {
        try await read { sql in
            try await sql.raw("SELECT sso_subject FROM users WHERE id = \(bind: id)").first()?.decode(column: "sso_subject", as: String?.self) != nil
        }
    }
}
