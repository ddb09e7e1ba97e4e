import ClearwayCore
import ClearwayEngine
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

/// Changes outside cases are audited too, in the same transaction, with the real actor:
/// webhook subscriptions (created, ended, disabled by a 410), people and keys.
@Suite("Audit of subscriptions, people and keys")
struct AuditTrailTests {
    @Test("subscribing, ending a subscription and a receiver's 410 each leave an audit row with who did it")
    func webhooks() async throws {
        try await Harness.run(.sqlite) { h in
            h.engine.allowOutbound(["127.0.0.1"])
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let first = try h.json(try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json", body: #"{"url":"\#(url)"}"#))
                let second = try h.json(try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json", body: #"{"url":"\#(url)"}"#))
                #expect(try await h.send(.delete, "/v1/webhooks/\(second.str("id")!)", as: .admin).status == .noContent)
                receiver.answers.withLock { $0 = [410] }
                try await h.post(events: Events.reference + [Events.seedOrder])
                try await OutboxDispatcher(engine: h.engine, random: { 0.5 }).dispatchOnce()
                let audit = try await h.engine.queries.auditEntries(limit: 200)
                let created = audit.filter { $0.action == "webhook.created" }
                let admin = "admin-key (\(try keyId(h, .admin)))"
                #expect(created.count == 2 && created.allSatisfy { $0.actor == admin })
                let disabled = audit.filter { $0.action == "webhook.disabled" }
                #expect(disabled.contains { $0.actor.hasPrefix("admin-key") && $0.reason?.contains(second.str("id")!) == true })
                #expect(disabled.contains { $0.actor == "system:webhooks" && $0.reason?.contains(first.str("id")!) == true && $0.reason?.contains("410") == true })
            }
        }
    }

    @Test("people and keys are created and revoked under the name of whoever did it")
    func peopleAndKeys() async throws {
        try await Harness.run(.sqlite) { h in
            let db = h.engine.database
            _ = try await db.createUser(username: "dana", displayName: "Dana", role: .supervisor, password: "dana-password-12", at: h.clock.now(),
                                        by: "cli:ops-lead", rounds: 1_000)
            let key = try await db.createAPIKey(name: "erp adapter", role: .integration, secret: "cw_erp-adapter-0123456789abcdefghijkl", at: h.clock.now(),
                                                by: "cli:ops-lead", systems: ["erp"])
            _ = try await db.revokeAPIKey(id: key.id, at: h.clock.now(), by: "cli:it-admin")
            let audit = try await h.engine.queries.auditEntries(limit: 100)
            #expect(audit.contains { $0.action == "user.created" && $0.actor == "cli:ops-lead" && $0.reason?.contains("dana") == true })
            #expect(audit.contains { $0.action == "api_key.created" && $0.actor == "cli:ops-lead" && $0.reason?.contains("bound to systems erp") == true })
            #expect(audit.contains { $0.action == "api_key.revoked" && $0.actor == "cli:it-admin" })
            #expect(!audit.contains { $0.actor == "system:keys" })
            #expect(try await db.verifyAudit().intact)
        }
    }

    func keyId(_ h: Harness, _ role: Role) throws -> String {
        "key_" + String(APIKeySecret.hash(Harness.tokens[role]! + "\(role.rawValue)-key").prefix(12))
    }
}
