import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// The caller's own notifications, newest first, and how many are unread. Anyone who
    /// may read cases may read what they were told; nobody reads another person's.
    public func notifications(by principal: Principal, unreadOnly: Bool = false, limit: Int = 50) async throws -> (unread: Int, items: [NotificationRecord]) {
        guard principal.role.allows(.readCases) else { throw EngineError.forbidden("role \(principal.role.rawValue) has no notifications to read") }
        guard (1...500).contains(limit) else { throw EngineError.invalid(field: "/query/limit", detail: "must be between 1 and 500") }
        async let items = database.notifications(for: principal.name, unreadOnly: unreadOnly, limit: limit)
        async let unread = database.unreadNotificationCount(for: principal.name)
        return (try await unread, try await items)
    }

    /// How many of the caller's notifications are unread (the console's bell).
    public func unreadNotifications(by principal: Principal) async throws -> Int {
        guard principal.role.allows(.readCases) else { return 0 }
        return try await database.unreadNotificationCount(for: principal.name)
    }

    /// Marks the caller's notifications read: the listed ones, or all. Audited when any changed.
    @discardableResult
    public func markNotificationsRead(_ ids: [String]?, by principal: Principal) async throws -> Int {
        guard principal.role.allows(.readCases) else { throw EngineError.forbidden("role \(principal.role.rawValue) has no notifications to read") }
        if let ids, ids.count > 500 { throw EngineError.invalid(field: "/ids", detail: "must list at most 500 notifications") }
        return try await database.markNotificationsRead(for: principal.name, actor: principal.auditName, ids: ids, at: clock.now())
    }
}
