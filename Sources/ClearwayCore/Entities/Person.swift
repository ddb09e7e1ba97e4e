import Foundation

/// A person who signs in to the console, with one role.
public struct ConsoleUser: Sendable, Hashable {
    public var id: String
    public var username: String
    public var displayName: String
    public var role: Role

    public var principal: Principal { Principal(id: id, name: username, role: role) }

    public init(id: String, username: String, displayName: String, role: Role) {
        self.id = id; self.username = username; self.displayName = displayName; self.role = role
    }
}

/// A signed-in session as the console sees it.
public struct ConsoleSession: Sendable, Hashable {
    public var user: ConsoleUser
    public var csrfToken: String
    public var expiresAt: Instant

    /// A session unused this long ends, whatever its expiry.
    public static let idleSeconds: Double = 30 * 60

    public init(user: ConsoleUser, csrfToken: String, expiresAt: Instant) {
        self.user = user; self.csrfToken = csrfToken; self.expiresAt = expiresAt
    }
}
