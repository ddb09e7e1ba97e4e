import ClearwayCore
import Crypto
import Foundation
import SQLKit


extension Database {
    /// Creates a subscription and returns it with its signing secret (`whsec_…`), which is
    /// shown only now.
    public func createWebhook(id: String, url: String, description: String?, events: [String], key: DataKey, at: Instant,
                              by actor: String, policyVersion: String) async throws -> (WebhookSubscription, String) {
        let secret = "whsec_" + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        let sealed = try key.seal(secret)
        let eventsText = try JSONText.encode(events)
        try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO webhook_subscriptions (id, url, description, events, secret_sealed, created_at, disabled_at, disabled_reason)
                VALUES (\(bind: id), \(bind: url), \(bind: description), \(bind: eventsText), \(bind: sealed), \(bind: at.millis), NULL, NULL)
                """).run()
            tx.audit(AuditEntry(at: at, actor: actor, caseId: nil, exceptionId: nil, action: "webhook.created", after: url,
                                reason: "subscription \(id) to \(events.joined(separator: ", "))", policyVersion: policyVersion))
        }
        return (WebhookSubscription(id: id, url: url, description: description, events: events, createdAt: at), secret)
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await read { sql in try await sql.raw("SELECT * FROM webhook_subscriptions ORDER BY created_at, id").all().map(WebhookRow.decode) }
    }

    /// The subscription and its secret, for signing a delivery; nil when it is gone.
    public func webhookForDelivery(_ id: String, key: DataKey) async throws -> (WebhookSubscription, String?)? {
        try await read { sql in
            guard let row = try await sql.raw("SELECT * FROM webhook_subscriptions WHERE id = \(bind: id)").first() else { return nil }
            return (try WebhookRow.decode(row), key.open(try row.decode(column: "secret_sealed", as: String.self)))
        }
    }

    /// Stops deliveries to a subscription; returns false when there is no such active one.
    @discardableResult
    public func disableWebhook(_ id: String, reason: String, at: Instant, by actor: String, policyVersion: String) async throws -> Bool {
        try await transaction { tx in
            let row = try await tx.sql.raw("SELECT id FROM webhook_subscriptions WHERE id = \(bind: id) AND disabled_at IS NULL").first()
            guard row != nil else { return false }
            try await tx.sql.raw("UPDATE webhook_subscriptions SET disabled_at = \(bind: at.millis), disabled_reason = \(bind: reason) WHERE id = \(bind: id)").run()
            tx.audit(AuditEntry(at: at, actor: actor, caseId: nil, exceptionId: nil, action: "webhook.disabled", before: "active", after: "disabled",
                                reason: "subscription \(id): \(reason)", policyVersion: policyVersion))
            return true
        }
    }
}

extension StoreTransaction {
    /// Queues one delivery per active subscription that wants each entry, in the same
    /// transaction as the change itself: a subscriber hears about a change exactly when it
    /// is committed.
    func enqueueWebhooks(_ entries: [AuditEntry]) async throws {
        let subscriptions = try await sql.raw("SELECT * FROM webhook_subscriptions WHERE disabled_at IS NULL").all().map(WebhookRow.decode)
        guard !subscriptions.isEmpty else { return }
        for entry in entries {
            for s in subscriptions where s.wants(entry.action) {
                var data: [String: JSONValue] = ["seq": .number(Double(entry.seq)), "actor": .string(entry.actor), "policyVersion": .string(entry.policyVersion)]
                if let v = entry.caseId { data["caseId"] = .string(v) }
                if let v = entry.exceptionId { data["exceptionId"] = .string(v) }
                if let v = entry.before { data["before"] = .string(v) }
                if let v = entry.after { data["after"] = .string(v) }
                if let v = entry.reason { data["reason"] = .string(v) }
                if let v = entry.detail { data["detail"] = v }
                let payload: JSONValue = .object(["type": .string(entry.action), "timestamp": .string(entry.at.iso8601), "data": .object(data)])
                let id = "msg_\(s.id)_\(entry.seq)"
                var delivery = Delivery(id: id, actionId: nil, kind: .webhook, target: s.id, payload: payload, idempotencyKey: id, createdAt: entry.at)
                delivery.trace = entry.trace
                try await insertOutbox(delivery)
            }
        }
    }
}

enum WebhookRow {
    static func decode(_ row: any SQLRow) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.decode(column: "id", as: String.self), url: try row.decode(column: "url", as: String.self),
            description: try row.decode(column: "description", as: String?.self),
            events: try JSONText.decode([String].self, row.decode(column: "events", as: String.self)),
            createdAt: Instant(millis: try row.decode(column: "created_at", as: Int64.self)),
            disabledAt: try row.decode(column: "disabled_at", as: Int64?.self).map(Instant.init(millis:)),
            disabledReason: try row.decode(column: "disabled_reason", as: String?.self))
    }
}
