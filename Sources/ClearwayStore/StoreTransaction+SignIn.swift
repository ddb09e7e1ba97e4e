import ClearwayCore
import SQLKit

/// Rows behind sign-in: failed attempts (per username and client address) and sessions.
/// The limits themselves are `SignInLimits` in Core.
extension StoreTransaction {
    /// Makes attempts for one username, and for one address, wait for each other until
    /// commit, so that parallel guesses are counted one after the other. On PostgreSQL an
    /// advisory lock per key (usernames and addresses in separate spaces); SQLite has one
    /// writer at a time already.
    public func serialiseSignIn(username: String, address: String) async throws {
        guard dialect == .postgres else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(7241, hashtext(\(bind: username)))").run()
        try await sql.raw("SELECT pg_advisory_xact_lock(7242, hashtext(\(bind: address)))").run()
    }

    /// Forgets up to 500 of the oldest failures from before `before`: each attempt prunes a
    /// bounded amount, and attempts are what add rows, so the table stays small.
    public func pruneLoginFailures(before: Instant) async throws {
        try await sql.raw("""
            DELETE FROM login_failures WHERE at < \(bind: before.millis) AND at <= COALESCE(
                (SELECT at FROM login_failures WHERE at < \(bind: before.millis) ORDER BY at LIMIT 1 OFFSET 499), \(bind: before.millis))
            """).run()
    }

    /// Failures since `since` for the username and for the address.
    public func loginFailures(username: String, address: String, since: Instant) async throws -> (username: Int, address: Int) {
        let row = try await sql.raw("""
            SELECT (SELECT COUNT(*) FROM login_failures WHERE username = \(bind: username) AND at > \(bind: since.millis)) AS u,
                   (SELECT COUNT(*) FROM login_failures WHERE address = \(bind: address) AND at > \(bind: since.millis)) AS a
            """).first()
        return (Int(try row?.decode(column: "u", as: Int64.self) ?? 0), Int(try row?.decode(column: "a", as: Int64.self) ?? 0))
    }

    public func recordLoginFailure(username: String, address: String, at: Instant) async throws {
        try await sql.raw("INSERT INTO login_failures (username, address, at) VALUES (\(bind: username), \(bind: address), \(bind: at.millis))").run()
    }

    public func clearLoginFailures(username: String) async throws {
        try await sql.raw("DELETE FROM login_failures WHERE username = \(bind: username)").run()
    }

    /// Opens a session and returns its token (for the cookie) and CSRF token (for forms).
    public func openSession(for user: ConsoleUser, at now: Instant, lifetime: Double) async throws -> (token: String, session: ConsoleSession) {
        let token = APIKeySecret.generate(), csrf = APIKeySecret.generate()
        let expires = now.adding(seconds: lifetime)
        try await sql.raw("DELETE FROM sessions WHERE expires_at < \(bind: now.millis) AND user_id = \(bind: user.id)").run()
        try await sql.raw("""
            INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
            VALUES (\(bind: APIKeySecret.hash(token)), \(bind: user.id), \(bind: csrf), \(bind: now.millis), \(bind: expires.millis), \(bind: now.millis))
            """).run()
        return (token, ConsoleSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    /// Ends the session with this token; returns whose it was (nil: no such session).
    public func closeSession(token: String) async throws -> ConsoleUser? {
        let hash = APIKeySecret.hash(token)
        guard let row = try await sql.raw("SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(bind: hash)").first() else {
            return nil
        }
        try await sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: hash)").run()
        return try UserRow.decode(row)
    }
}
