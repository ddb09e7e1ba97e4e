import ClearwayCore
import Foundation
import SQLKit

/// A notification's place on one channel: waiting in `notification_sends` until due.
public struct NotificationSend: Sendable, Hashable {
    public var notificationId: String
    public var channel: NotificationChannel
    public var recipient: String
    public var dueAt: Instant

    public init(notificationId: String, channel: NotificationChannel, recipient: String, dueAt: Instant) {
        self.notificationId = notificationId; self.channel = channel; self.recipient = recipient; self.dueAt = dueAt
    }
}

extension StoreTransaction {
    /// The preferences of each of `usernames` that has any (webhook URLs opened with `key`).
    public func notificationPreferences(_ usernames: [String], key: DataKey) async throws -> [String: NotificationPreferences] {
        guard !usernames.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT username, document FROM notification_preferences WHERE username IN (\(Self.list(Array(Set(usernames)).sorted())))
            """).all()
        var out: [String: NotificationPreferences] = [:]
        for row in rows {
            let document = try JSONText.decode(PreferencesDocument.self, row.decode(column: "document", as: String.self))
            out[try row.decode(column: "username", as: String.self)] = document.preferences(key: key)
        }
        return out
    }

    public func queueNotificationSends(_ sends: [NotificationSend]) async throws {
        for chunk in sends.chunked(200) {
            let values: [SQLQueryString] = chunk.map { s in
                "(\(bind: s.notificationId), \(bind: s.channel.rawValue), \(bind: s.recipient), \(bind: s.dueAt.millis), NULL)"
            }
            try await sql.raw("""
                INSERT INTO notification_sends (notification_id, channel, recipient, due_at, outbox_id) VALUES
                """ + values.joined(separator: ", ")).run()
        }
    }

    /// Takes, for up to `limit` people and channels whose oldest waiting send is due, every
    /// send waiting for them (at most `perMessage`), marking them with the outbox id
    /// `outboxId(recipient, channel)` returns. On PostgreSQL a person's channel another node
    /// is gathering is skipped, so each notification joins exactly one message per channel
    /// and a burst is not split between nodes.
    public func takeDueNotificationSends(now: Instant, limit: Int, perMessage: Int = 500,
                                         outboxId: () -> String) async throws -> [(recipient: String, channel: NotificationChannel,
                                                                                   outboxId: String, notifications: [NotificationRecord])] {
        let groups = try await sql.raw("""
            SELECT recipient, channel FROM notification_sends WHERE outbox_id IS NULL
            GROUP BY recipient, channel HAVING MIN(due_at) <= \(bind: now.millis) ORDER BY MIN(due_at), recipient LIMIT \(bind: limit)
            """).all()
        let lock: SQLQueryString = dialect == .postgres ? " FOR UPDATE OF s SKIP LOCKED" : ""
        var out: [(recipient: String, channel: NotificationChannel, outboxId: String, notifications: [NotificationRecord])] = []
        for group in groups {
            let recipient = try group.decode(column: "recipient", as: String.self)
            let channelName = try group.decode(column: "channel", as: String.self)
            guard let channel = NotificationChannel(rawValue: channelName) else { continue }
            // One node gathers a person's channel at a time, so a burst stays one message
            // (row locks alone would let two nodes split it); the other skips it this pass.
            if dialect == .postgres {
                let got = try await sql.raw("""
                    SELECT pg_try_advisory_xact_lock(724202, hashtext(\(bind: recipient + "|" + channelName))) AS got
                    """).first()?.decode(column: "got", as: Bool.self) ?? false
                guard got else { continue }
            }
            let rows = try await sql.raw("""
                SELECT n.* FROM notification_sends s JOIN notifications n ON n.id = s.notification_id
                WHERE s.recipient = \(bind: recipient) AND s.channel = \(bind: channelName) AND s.outbox_id IS NULL
                ORDER BY n.created_at, n.id LIMIT \(bind: perMessage)\(lock)
                """).all().map(NotificationStoreRow.decode)
            guard !rows.isEmpty else { continue }
            let id = outboxId()
            let taken = try await sql.raw("""
                UPDATE notification_sends SET outbox_id = \(bind: id)
                WHERE channel = \(bind: channelName) AND outbox_id IS NULL AND notification_id IN (\(Self.list(rows.map(\.id))))
                RETURNING notification_id
                """).all().map { try $0.decode(column: "notification_id", as: String.self) }
            let kept = Set(taken)
            let notifications = rows.filter { kept.contains($0.id) }
            if !notifications.isEmpty { out.append((recipient, channel, id, notifications)) }
        }
        return out
    }
}

extension Database {
    /// Whether any notification send waits and is due: a read, so an idle dispatcher pass
    /// does not open a write transaction to find nothing.
    public func hasDueNotificationSends(now: Instant) async throws -> Bool {
        try await read { sql in
            try await sql.raw("SELECT 1 AS due FROM notification_sends WHERE outbox_id IS NULL AND due_at <= \(bind: now.millis) LIMIT 1")
                .first() != nil
        }
    }

    public func notificationPreferences(for username: String, key: DataKey) async throws -> NotificationPreferences {
        try await read { sql in
            guard let row = try await sql.raw("SELECT document FROM notification_preferences WHERE username = \(bind: username)").first() else {
                return NotificationPreferences()
            }
            return try JSONText.decode(PreferencesDocument.self, row.decode(column: "document", as: String.self)).preferences(key: key)
        }
    }

    /// Stores a person's preferences, audited with who changed them and which fields changed
    /// (never the addresses or webhook URLs themselves).
    public func saveNotificationPreferences(_ prefs: NotificationPreferences, for username: String, key: DataKey, actor: String,
                                            at now: Instant) async throws {
        try await transaction { tx in
            let before = try await tx.notificationPreferences([username], key: key)[username] ?? NotificationPreferences()
            let document = try JSONText.encode(try PreferencesDocument(prefs, key: key))
            try await tx.sql.raw("DELETE FROM notification_preferences WHERE username = \(bind: username)").run()
            try await tx.sql.raw("""
                INSERT INTO notification_preferences (username, document, updated_at, updated_by)
                VALUES (\(bind: username), \(bind: document), \(bind: now.millis), \(bind: actor))
                """).run()
            tx.audit(AuditEntry(at: now, actor: actor, caseId: nil, exceptionId: nil, action: "notification.preferences_changed",
                                after: username, reason: "changed: " + Self.changedFields(before, prefs).joined(separator: ", "),
                                policyVersion: "-"))
        }
    }

    static func changedFields(_ a: NotificationPreferences, _ b: NotificationPreferences) -> [String] {
        var out: [String] = []
        if a.email != b.email { out.append("email") }
        if a.slackWebhook != b.slackWebhook { out.append("slackWebhook") }
        if a.teamsWebhook != b.teamsWebhook { out.append("teamsWebhook") }
        if a.channels != b.channels { out.append("channels") }
        if a.quietHours != b.quietHours { out.append("quietHours") }
        if a.calendarSite != b.calendarSite { out.append("calendarSite") }
        if a.digestMinutes != b.digestMinutes { out.append("digestMinutes") }
        return out.isEmpty ? ["nothing"] : out
    }
}

/// Preferences as stored: channels by name, webhook URLs sealed.
struct PreferencesDocument: Codable {
    var email: String?
    var slackSealed: String?
    var teamsSealed: String?
    var channels: [String: [String]]
    var quietHours: QuietHours?
    var calendarSite: String?
    var digestMinutes: Int?

    init(_ p: NotificationPreferences, key: DataKey) throws {
        email = p.email
        slackSealed = try p.slackWebhook.map(key.seal)
        teamsSealed = try p.teamsWebhook.map(key.seal)
        channels = Dictionary(uniqueKeysWithValues: p.channels.map { ($0.key.rawValue, $0.value.map(\.rawValue).sorted()) })
        quietHours = p.quietHours; calendarSite = p.calendarSite; digestMinutes = p.digestMinutes
    }

    /// A webhook URL this node's key cannot open is left out (its channel goes quiet) rather than failing every read.
    func preferences(key: DataKey) -> NotificationPreferences {
        var chosen: [NotificationTrigger: Set<NotificationChannel>] = [:]
        for (name, channels) in self.channels {
            guard let trigger = NotificationTrigger(rawValue: name) else { continue }
            chosen[trigger] = Set(channels.compactMap(NotificationChannel.init(rawValue:)))
        }
        return NotificationPreferences(email: email, slackWebhook: slackSealed.flatMap(key.open), teamsWebhook: teamsSealed.flatMap(key.open),
                                       channels: chosen, quietHours: quietHours, calendarSite: calendarSite, digestMinutes: digestMinutes)
    }
}
