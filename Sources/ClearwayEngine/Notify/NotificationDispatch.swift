import ClearwayCore
import ClearwayIntegration
import ClearwayStore
import Foundation

/// Where notifications leave the console on this node: the mail server (none: no e-mail)
/// and the console's public address, for the links in every message.
public struct NotificationChannels: Sendable {
    public var mail: MailServer?
    public var publicURL: String?

    public init(mail: MailServer? = nil, publicURL: String? = nil) { self.mail = mail; self.publicURL = publicURL }
}

/// What an outbox row of kind `notification` carries: one message to one person on one channel.
struct NotificationParcel: Codable {
    var channel: NotificationChannel
    var message: NotificationMessage

    var json: JSONValue { (try? JSONEncoder().encode(self)).flatMap(JSONValue.parse) ?? .null }

    static func read(_ payload: JSONValue) -> NotificationParcel? {
        try? JSONDecoder().decode(NotificationParcel.self, from: payload.canonicalData())
    }
}

extension OutboxDispatcher {
    /// Gathers the sends that fell due into messages: for each person and channel whose
    /// oldest waiting notification is due, everything waiting for them becomes one outbox
    /// row (a digest), in one transaction, so each notification joins exactly one message.
    @discardableResult
    func gatherNotifications() async throws -> Int {
        let engine = self.engine, now = engine.clock.now(), publicURL = engine.notificationChannels.publicURL
        guard try await engine.database.hasDueNotificationSends(now: now) else { return 0 }
        return try await engine.database.transaction { tx in
            let groups = try await tx.takeDueNotificationSends(now: now, limit: 50) { engine.ids.next("OBX") }
            for group in groups {
                let message = NotificationMessage(recipient: group.recipient, notifications: group.notifications, publicURL: publicURL)
                let parcel = NotificationParcel(channel: group.channel, message: message)
                try await tx.insertOutbox(Delivery(id: group.outboxId, actionId: nil, kind: .notification,
                                                   target: "notify:\(group.channel.rawValue)", payload: parcel.json,
                                                   idempotencyKey: group.outboxId, createdAt: now))
            }
            return groups.count
        }
    }

    /// Sends one message on its channel, to where its person can be reached now.
    func deliverNotification(_ row: Delivery) async throws {
        let settings = engine.notificationDelivery
        guard let parcel = NotificationParcel.read(row.payload) else {
            return try await record(row, .refused(reason: "the message could not be read"), settings: settings)
        }
        let recipient = parcel.message.recipient
        let preferences = recipient.hasPrefix("address:") ? NotificationPreferences(email: String(recipient.dropFirst(8)))
            : try await engine.database.notificationPreferences(for: recipient, key: engine.dataKey)
        let outcome: DeliveryOutcome
        switch parcel.channel {
        case .email:
            outcome = await sendMail(parcel.message, to: preferences.email, id: row.id)
        case .slack, .teams:
            let url = parcel.channel == .slack ? preferences.slackWebhook : preferences.teamsWebhook
            if let url {
                let payload = parcel.channel == .slack ? parcel.message.slackPayload : parcel.message.teamsPayload
                outcome = await ChatWebhookSender(client: engine.outbound, timeoutSeconds: settings.timeoutSeconds).send(url: url, payload: payload)
            } else {
                outcome = .refused(reason: "\(recipient) has no \(parcel.channel.rawValue) webhook any more")
            }
        case .console:
            outcome = .refused(reason: "the console is not sent to")
        }
        try await record(row, outcome, settings: settings)
    }

    func sendMail(_ message: NotificationMessage, to address: String?, id: String) async -> DeliveryOutcome {
        guard let server = engine.notificationChannels.mail else { return .retryable(reason: "no mail server is configured on this node") }
        guard let address else { return .refused(reason: "\(message.recipient) has no e-mail address any more") }
        let mail = MIMEMail(from: server.from, to: [address], subject: message.subject, text: message.text, html: message.html,
                            messageId: "\(id)@clearway", date: engine.clock.now().date)
        switch await SMTPClient(server: server).send(mail) {
        case .sent(let said): return .applied(detail: .object(["server": .string(String(said.prefix(200)))]))
        case .rejected(let why): return .refused(reason: "the mail server refused it: \(why)")
        case .failed(let why): return .retryable(reason: why)
        }
    }

    /// Audits a notification message's outcome and, when its attempts ran out, tells the
    /// supervisors in the console (never on the channel that failed).
    static func settleNotification(_ row: Delivery, _ current: Delivery, tx: StoreTransaction, engine: ClearwayEngine, policy: Policy,
                                   now: Instant) async throws {
        guard let parcel = NotificationParcel.read(row.payload), current.state != .pending else { return }
        let message = parcel.message
        let action = current.state == .dead ? "notification.dead_lettered" : current.lastError == nil ? "notification.sent" : "notification.refused"
        let detail: JSONValue = .object([
            "recipient": .string(message.recipient), "channel": .string(parcel.channel.rawValue),
            "triggers": .array(message.triggers.map { .string($0.rawValue) }),
            "notifications": .array(message.notificationIds.map(JSONValue.string)), "outbox": .string(row.id),
            "attempts": .number(Double(current.attempts)),
        ])
        tx.audit(AuditEntry(at: now, actor: "system:notifications", caseId: nil, exceptionId: nil, action: action, after: message.recipient,
                            reason: current.lastError ?? message.subject, detail: detail, policyVersion: policy.version))
        if current.state == .dead {
            try await deadLetterNotice(what: "\(parcel.channel.rawValue) to \(message.recipient) (\(message.items.count) notifications)",
                                       why: current.lastError ?? "", consoleOnly: true, tx: tx, engine: engine, policy: policy, now: now)
        }
    }

    /// Supervisors are told that a delivery was dead-lettered.
    static func deadLetterNotice(what: String, why: String, consoleOnly: Bool, caseId: String? = nil, exceptionId: String? = nil,
                                 tx: StoreTransaction, engine: ClearwayEngine, policy: Policy, now: Instant) async throws {
        try await NotificationWriter.write(NotificationRequest(
            id: engine.ids.next("NTF"), trigger: .deadLetter, recipients: [.role(.supervisor)], caseId: caseId, exceptionId: exceptionId,
            orderId: nil, queue: nil, assignee: nil, title: "Dead letter: \(what)", body: why, at: now, consoleOnly: consoleOnly),
            tx: tx, engine: engine, policy: policy)
    }
}
