import ClearwayCore
import Crypto
import Foundation
import SQLKit
import _CryptoExtras

/// A person who signs in to the console, with one role.
public struct ConsoleUser: Sendable, Hashable {
    public var id: String
    public var username: String
    public var displayName: String
    public var role: Role

    public var principal: Principal { Principal(id: id, name: username, role: role) }
}

/// A signed-in session as the console sees it.
public struct ConsoleSession: Sendable, Hashable {
    public var user: ConsoleUser
    public var csrfToken: String
    public var expiresAt: Instant
}

/// Passwords are hashed with PBKDF2-HMAC-SHA256 and a random salt, stored as
/// `pbkdf2-sha256$ROUNDS$SALT$HASH` so the work factor can rise without a migration.
public enum PasswordHash {
    public static let defaultRounds = 210_000

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
    case weakPassword

    public var description: String {
        switch self {
        case .usernameTaken(let name): "the username \(name) is already taken"
        case .invalidUsername: "a username is 2–64 characters of letters, digits, dot, dash or underscore"
        case .weakPassword: "a password needs at least 12 characters"
        }
    }
}

extension Database {
    public func createUser(username: String, displayName: String, role: Role, password: String, at: Instant,
                           rounds: Int = PasswordHash.defaultRounds) async throws -> ConsoleUser {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        guard (2...64).contains(username.count), username.unicodeScalars.allSatisfy(allowed.contains) else { throw UserError.invalidUsername }
        guard password.count >= 12 else { throw UserError.weakPassword }
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
        }
        return user
    }

    /// Checks a sign-in. Failed attempts are recorded; after `maxFailures` within
    /// `window` seconds the account is refused until the window passes, whatever the
    /// password, so guessing is slow. Returns nil for any failure without saying which.
    public func signIn(username: String, password: String, at now: Instant, maxFailures: Int = 5, window: Double = 900) async throws -> ConsoleUser? {
        let since = now.adding(seconds: -window).millis
        return try await transaction { tx in
            let failures = try await tx.sql.raw("SELECT COUNT(*) AS n FROM login_failures WHERE username = \(bind: username) AND at > \(bind: since)")
                .first()?.decode(column: "n", as: Int64.self) ?? 0
            let row = try await tx.sql.raw("SELECT * FROM users WHERE username = \(bind: username) AND disabled_at IS NULL").first()
            let storedHash = try row?.decode(column: "password_hash", as: String.self)
            // Hash even for unknown users, so timing does not tell which usernames exist.
            let matches = PasswordHash.verify(password, against: storedHash ?? "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")
            guard failures < maxFailures, matches, let row else {
                try await tx.sql.raw("INSERT INTO login_failures (username, at) VALUES (\(bind: username), \(bind: now.millis))").run()
                return nil
            }
            try await tx.sql.raw("DELETE FROM login_failures WHERE username = \(bind: username)").run()
            return try UserRow.decode(row)
        }
    }

    /// Opens a session and returns its token (for the cookie) and CSRF token (for forms).
    public func createSession(for user: ConsoleUser, at now: Instant, lifetime: Double = 8 * 3_600) async throws -> (token: String, session: ConsoleSession) {
        let token = APIKeySecret.generate(), csrf = APIKeySecret.generate()
        let expires = now.adding(seconds: lifetime)
        try await withWriter { sql in
            try await sql.raw("DELETE FROM sessions WHERE expires_at < \(bind: now.millis)").run()
            try await sql.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: APIKeySecret.hash(token)), \(bind: user.id), \(bind: csrf), \(bind: now.millis), \(bind: expires.millis))
                """).run()
        }
        return (token, ConsoleSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    public func session(token: String, at now: Instant) async throws -> ConsoleSession? {
        try await read { sql in
            guard let row = try await sql.raw("""
                SELECT u.*, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: APIKeySecret.hash(token)) AND s.expires_at > \(bind: now.millis) AND u.disabled_at IS NULL
                """).first() else { return nil }
            return ConsoleSession(user: try UserRow.decode(row), csrfToken: try row.decode(column: "csrf_token", as: String.self),
                                  expiresAt: Instant(millis: try row.decode(column: "expires_at", as: Int64.self)))
        }
    }

    public func endSession(token: String) async throws {
        try await withWriter { try await $0.raw("DELETE FROM sessions WHERE token_hash = \(bind: APIKeySecret.hash(token))").run() }
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
