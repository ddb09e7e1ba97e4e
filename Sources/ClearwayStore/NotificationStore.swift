import ClearwayCore
import SQLKit

extension StoreTransaction {
    /// Usernames of the active people holding any of `roles`, sorted.
    public func usernames(withRoles roles: Set<Role>) async throws -> [String] {
        guard !roles.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT username FROM users WHERE role IN (\(Self.list(roles.map(\.rawValue).sorted()))) AND disabled_at IS NULL ORDER BY username
            """).all().map { try $0.decode(column: "username", as: String.self) }
    }

    /// Which of `usernames` are active people.
    public func activeUsernames(_ usernames: [String]) async throws -> Set<String> {
        guard !usernames.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT username FROM users WHERE username IN (\(Self.list(usernames))) AND disabled_at IS NULL
            """).all()
        return Set(try rows.map { try $0.decode(column: "username", as: String.self) })
    }

    /// Bound values separated by commas, for `IN (…)`.
    static func list(_ values: [String]) -> SQLQueryString {
        values.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
    }

    public func insertNotifications(_ rows: [NotificationRecord]) async throws {
        for chunk in rows.chunked(200) {
            let values: [SQLQueryString] = chunk.map { n in
                """
                (\(bind: n.id), \(bind: n.requestId), \(bind: n.recipient), \(bind: n.trigger.rawValue), \(bind: n.caseId),
                 \(bind: n.exceptionId), \(bind: n.orderId), \(bind: n.title), \(bind: n.body), \(bind: n.createdAt.millis), NULL)
                """
            }
            try await sql.raw("""
                INSERT INTO notifications (id, request_id, recipient, trigger, case_id, exception_id, order_id, title, body, created_at, read_at)
                VALUES
                """ + values.joined(separator: ", ")).run()
        }
    }
}

extension Database {
    /// A person's notifications, newest first.
    public func notifications(for username: String, unreadOnly: Bool = false, limit: Int = 50) async throws -> [NotificationRecord] {
        try await read { sql in
            let unread: SQLQueryString = unreadOnly ? " AND read_at IS NULL" : ""
            return try await sql.raw("""
                SELECT * FROM notifications WHERE recipient = \(bind: username)\(unread)
                ORDER BY created_at DESC, id DESC LIMIT \(bind: max(1, min(limit, 500)))
                """).all().map(NotificationStoreRow.decode)
        }
    }

    public func unreadNotificationCount(for username: String) async throws -> Int {
        try await read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM notifications WHERE recipient = \(bind: username) AND read_at IS NULL")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Marks a person's notifications read (all of them when `ids` is nil); returns how many.
    /// Audited with the person as actor when any changed.
    public func markNotificationsRead(for username: String, actor: String, ids: [String]?, at now: Instant) async throws -> Int {
        try await transaction { tx in
            let only: SQLQueryString = if let ids {
                ids.isEmpty ? " AND 1 = 0" : " AND id IN (\(StoreTransaction.list(ids)))"
            } else { "" }
            let rows = try await tx.sql.raw("""
                UPDATE notifications SET read_at = \(bind: now.millis)
                WHERE recipient = \(bind: username) AND read_at IS NULL\(only) RETURNING id
                """).all()
            if !rows.isEmpty {
                tx.audit(AuditEntry(at: now, actor: actor, caseId: nil, exceptionId: nil, action: "notifications.read",
                                    after: "\(rows.count)", reason: ids == nil ? "all unread" : "\(rows.count) chosen", policyVersion: "-"))
            }
            return rows.count
        }
    }
}

enum NotificationStoreRow {
    static func decode(_ row: any SQLRow) throws -> NotificationRecord {
        NotificationRecord(id: try row.decode(column: "id", as: String.self), requestId: try row.decode(column: "request_id", as: String.self),
                        recipient: try row.decode(column: "recipient", as: String.self),
                        trigger: NotificationTrigger(rawValue: try row.decode(column: "trigger", as: String.self)) ?? .escalation,
                        caseId: try row.decode(column: "case_id", as: String?.self),
                        exceptionId: try row.decode(column: "exception_id", as: String?.self),
                        orderId: try row.decode(column: "order_id", as: String?.self),
                        title: try row.decode(column: "title", as: String.self), body: try row.decode(column: "body", as: String.self),
                        createdAt: Instant(millis: try row.decode(column: "created_at", as: Int64.self)),
                        readAt: try row.decode(column: "read_at", as: Int64?.self).map(Instant.init(millis:)))
    }
}
