import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// Webhook URLs and connector calls cannot be pointed at the distributor's own network.
@Suite("Outbound requests")
struct OutboundRequestTests {
    @Test("webhook URLs to metadata, private, loopback, a database port or a decimal address are refused by name",
          arguments: ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/x", "http://[::1]/x", "http://localhost:5432/",
                      "http://2130706433/x", "http://127.1/x"])
    func internalWebhookURLs(_ url: String) async throws {
        try await Harness.run(.sqlite) { h in
            let response = try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json", body: #"{"url":"\#(url)"}"#)
            #expect(response.status == .unprocessableContent, "\(url)")
            let errors = try h.json(response).list("errors")
            #expect(errors.first?.str("pointer") == "/url")
            #expect(errors.first?.str("detail")?.contains("address") == true, "\(errors)")
        }
    }

    @Test("a name that resolves to an internal address is refused at the call as well as at subscription")
    func resolvedNames() async throws {
        let client = OutboundClient(policy: OutboundPolicy()) { host in
            host == "hooks.example" ? [[127, 0, 0, 1]] : [[93, 184, 216, 34]]
        }
        #expect(await client.refusal("https://hooks.example/x")?.contains("loopback") == true)
        #expect(await client.refusal("https://public.example/x") == nil)
        #expect(await client.refusal("https://user:pw@public.example/x") != nil)
        await #expect(throws: OutboundClient.Refused.self) {
            _ = try await client.execute(.init(url: "http://hooks.example/x"), timeout: .seconds(2))
        }
    }

    @Test("a redirect is never followed: the receiver's 302 is the answer")
    func noRedirects() async throws {
        let hits = Mutex<[String]>([])
        let router = Router(context: BasicRequestContext.self)
        router.post("/first") { _, _ -> Response in
            hits.withLock { $0.append("first") }
            return Response(status: .found, headers: [.location: "/second"])
        }
        router.on("/second", method: .get) { _, _ -> Response in hits.withLock { $0.append("second") }; return Response(status: .ok) }
        router.post("/second") { _, _ -> Response in hits.withLock { $0.append("second") }; return Response(status: .ok) }
        var logger = Logger(label: "redirector")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0); continuation.finish() }, logger: logger)
        let client = OutboundClient(policy: OutboundPolicy(allow: ["127.0.0.1"]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var port = 0
            for await p in ports { port = p }
            let sender = WebhookSender(client: client, timeoutSeconds: 5)
            let outcome = await sender.send(url: "http://127.0.0.1:\(port)/first", secret: "whsec_" + Data(repeating: 1, count: 32).base64EncodedString(),
                                            id: "msg_1", timestamp: 1, body: Data("{}".utf8))
            #expect(hits.withLock { $0 } == ["first"], "the redirect target was never called")
            if case .applied = outcome { Issue.record("a 302 counted as delivered") }
            group.cancelAll()
        }
    }
}
