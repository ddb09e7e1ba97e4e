import ClearwayCore
import Crypto
import Foundation
import SQLKit
import _CryptoExtras



/// Passwords are hashed with PBKDF2-HMAC-SHA256 and a random salt, stored as
/// `pbkdf2-sha256$ROUNDS$SALT$HASH` so the work factor can rise without a migration.
public enum PasswordHash {
    public static let defaultRounds = 210_000
    /// Checked against when there is no stored hash, so an unknown username costs the
    /// same time as a known one.
    public static let placeholder = "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"
    /// Stored for people who sign in through the identity provider: no password verifies.
    public static let none = "sso"

    public static func make(_ password: String, rounds: Int = defaultRounds) throws -> String {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let key = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1_000,
              let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3]),
              let actual = try? derive(password, salt: salt, rounds: rounds) else { return false }
        // Constant-time comparison: the time taken does not reveal how much matched.
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ password: String, salt: Data, rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                                                    unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}

public enum UserError: Error, Sendable, Equatable, CustomStringConvertible {
    case usernameTaken(String)
    case invalidUsername
    case weakPassword(String)

    public var description: String {
        switch self {
        case .usernameTaken(let name): "the username \(name) is already taken"
        case .invalidUsername: "a username is 2–64 characters of letters, digits, dot, dash or underscore"
        case .weakPassword(let problem): problem
        }
    }
}

extension Database {
    /// Creates a person who signs in to the console; audited with who created them.
    public func createUser(username: String, displayName: String, role: Role, password: String, at: Instant, by actor: String,
                           rounds: Int = PasswordHash.defaultRounds) async throws -> ConsoleUser {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        guard (2...64).contains(username.count), username.unicodeScalars.allSatisfy(allowed.contains) else { throw UserError.invalidUsername }
        if let problem = SecretStrength.passwordProblem(password) { throw UserError.weakPassword(problem) }
        let user = ConsoleUser(id: "usr_" + String(APIKeySecret.hash(username + "\(at.millis)").prefix(12)), username: username,
                               displayName: displayName, role: role)
        let hash = try PasswordHash.make(password, rounds: rounds)
        try await transaction { tx in
            if try await tx.sql.raw("SELECT 1 AS n FROM users WHERE username = \(bind: username)").first() != nil {
                throw UserError.usernameTaken(username)
            }
            try await tx.sql.raw("""
                INSERT INTO users (id, username, display_name, role, password_hash, created_at, disabled_at)
                VALUES (\(bind: user.id), \(bind: username), \(bind: displayName), \(bind: role.rawValue), \(bind: hash), \(bind: at.millis), NULL)
                """).run()
            tx.audit(AuditEntry(at: at, actor: actor, caseId: nil, exceptionId: nil, action: "user.created",
                                after: role.rawValue, reason: "\(username) (\(user.id))", policyVersion: "-"))
        }
        return user
    }

    /// The user with this username and their stored password hash (nil: unknown or disabled).
    /// Read outside any write: checking a password never holds up other writes.
    public func credentials(username: String) async throws -> (user: ConsoleUser, passwordHash: String)? {
        try await read { sql in
            guard let row = try await sql.raw("SELECT * FROM users WHERE username = \(bind: username) AND disabled_at IS NULL").first() else {
                return nil
            }
            return (try UserRow.decode(row), try row.decode(column: "password_hash", as: String.self))
        }
    }

    /// Opens a session and returns its token (for the cookie) and CSRF token (for forms).
    public func createSession(for user: ConsoleUser, at now: Instant, lifetime: Double = 8 * 3_600) async throws -> (token: String, session: ConsoleSession) {
        try await transaction { tx in try await tx.openSession(for: user, at: now, lifetime: lifetime) }
    }

    /// The session with this token, if it has neither expired nor been idle for
    /// `idleSeconds`; a session seen again after a minute or more is marked seen now.
    public func session(token: String, at now: Instant, idleSeconds: Double = ConsoleSession.idleSeconds) async throws -> ConsoleSession? {
        let hash = APIKeySecret.hash(token)
        let idleSince = now.adding(seconds: -idleSeconds).millis
        let found = try await read { sql -> (ConsoleSession, Int64)? in
            guard let row = try await sql.raw("""
                SELECT u.*, s.csrf_token, s.expires_at, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: now.millis) AND s.last_seen_at > \(bind: idleSince)
                AND u.disabled_at IS NULL
                """).first() else { return nil }
            let session = ConsoleSession(user: try UserRow.decode(row), csrfToken: try row.decode(column: "csrf_token", as: String.self),
                                         expiresAt: Instant(millis: try row.decode(column: "expires_at", as: Int64.self)))
            return (session, try row.decode(column: "last_seen_at", as: Int64.self))
        }
        guard let (session, lastSeen) = found else { return nil }
        if now.millis - lastSeen >= 60_000 {
            try await withWriter { try await $0.raw("UPDATE sessions SET last_seen_at = \(bind: now.millis) WHERE token_hash = \(bind: hash)").run() }
        }
        return session
    }

    /// People who can be assigned work, for the console's assign menus.
    public func users() async throws -> [ConsoleUser] {
        try await read { try await $0.raw("SELECT * FROM users WHERE disabled_at IS NULL ORDER BY username").all().map(UserRow.decode) }
    }
}

enum UserRow {
    static func decode(_ row: any SQLRow) throws -> ConsoleUser {
        ConsoleUser(id: try row.decode(column: "id", as: String.self), username: try row.decode(column: "username", as: String.self),
                    displayName: try row.decode(column: "display_name", as: String.self),
                    role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .viewer)
    }
}
