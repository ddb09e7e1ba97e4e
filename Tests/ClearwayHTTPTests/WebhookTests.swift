import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayTestSupport
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// A subscriber's endpoint: records what arrives and answers with the statuses it is given.
final class WebhookReceiver: Sendable {
    struct Received: Sendable { var id: String; var timestamp: String; var signature: String; var body: Data }
    let received = Mutex<[Received]>([])
    let answers = Mutex<[Int]>([])

    func serve(_ body: (String) async throws -> Void) async throws {
        let router = Router(context: BasicRequestContext.self)
        router.post("/hooks") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            self.received.withLock {
                $0.append(Received(id: request.headers[.init("webhook-id")!] ?? "", timestamp: request.headers[.init("webhook-timestamp")!] ?? "",
                                   signature: request.headers[.init("webhook-signature")!] ?? "", body: Data(bytes.readableBytesView)))
            }
            let status = self.answers.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return Response(status: .init(code: status))
        }
        try await LoopbackServer.serve(router, name: "receiver") { base in try await body(base + "/hooks") }
    }
}

@Suite("Webhooks")
struct WebhookTests {
    @Test("a subscriber receives exception changes signed the Standard Webhooks way; a retry carries the same webhook-id",
          arguments: TestDatabaseKind.available)
    func signedDeliveries(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            h.engine.allowOutbound(["127.0.0.1"])   // the receiver runs on this machine
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let created = try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json",
                                               body: #"{"url":"\#(url)","events":["exception.opened"]}"#)
                #expect(created.status == .created)
                let secret = try #require(try h.json(created).str("secret"))
                #expect(secret.hasPrefix("whsec_"))
                #expect(try await h.get("/v1/webhooks", as: .admin).list("items").first?["secret"] == nil, "the secret is shown once")
                #expect(try await h.send(.get, "/v1/webhooks", as: .supervisor).status == .forbidden)

                receiver.answers.withLock { $0 = [500] }
                try await h.post(events: Events.reference + [Events.seedOrder])
                let dispatcher = OutboxDispatcher(engine: h.engine, random: { 0.5 })
                try await dispatcher.dispatchOnce()
                h.clock.advance(seconds: 3_600)
                try await dispatcher.dispatchOnce()

                let got = receiver.received.withLock { $0 }
                let opened = 3   // the seed order opens pricing, inventory and logistics exceptions
                #expect(got.count == opened + 1, "one failed attempt, then every message once")
                #expect(Set(got.map(\.id)).count == opened)
                for message in got {
                    let expected = WebhookSender.signature(secret: secret, id: message.id, timestamp: Int64(message.timestamp) ?? 0, body: message.body)
                    #expect(message.signature == expected)
                    let json = try #require(JSONSerialization.jsonObject(with: message.body) as? [String: Any])
                    #expect(json.str("type") == "exception.opened")
                    #expect(json.obj("data").str("caseId") != nil)
                }
            }
        }
    }

    @Test("a receiver answering 410 Gone ends its subscription; bad URLs are refused by name")
    func goneAndValidation() async throws {
        try await Harness.run(.sqlite) { h in
            let bad = try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json",
                                       body: #"{"url":"ftp://example.com/x","events":["exception.opened","bad event"]}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(try h.json(bad).list("errors").compactMap { $0.str("pointer") }) == ["/url", "/events/1"])
            h.engine.allowOutbound(["127.0.0.1"])   // the receiver runs on this machine
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let created = try h.json(try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json", body: #"{"url":"\#(url)"}"#))
                receiver.answers.withLock { $0 = [410] }
                try await h.post(events: Events.reference + [Events.seedOrder])
                try await OutboxDispatcher(engine: h.engine, random: { 0.5 }).dispatchOnce()
                let listed = try await h.get("/v1/webhooks", as: .admin).list("items").first
                #expect(listed?["active"] as? Bool == false)
                #expect(listed?.str("disabledReason")?.contains("410") == true)
                #expect(try await h.send(.delete, "/v1/webhooks/\(created.str("id")!)", as: .admin).status == .notFound)
            }
        }
    }
}
