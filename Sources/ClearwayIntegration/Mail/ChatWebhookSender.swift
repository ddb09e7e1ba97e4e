import AsyncHTTPClient
import ClearwayCore
import Foundation
import NIOCore

/// Posts a message to a Slack or Microsoft Teams incoming webhook, through the outbound
/// policy like every other request Clearway sends. The URL is the credential, so it never
/// appears in an error.
public struct ChatWebhookSender: Sendable {
    let client: OutboundClient
    let timeout: TimeAmount

    public init(client: OutboundClient, timeoutSeconds: Double) {
        self.client = client
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
    }

    /// 2xx is delivered; 400, 403, 404 and 410 mean the hook is gone or refuses the message
    /// (refused); 408, 429, 5xx or no answer are retried.
    public func send(url: String, payload: JSONValue) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: Array(payload.canonicalData())))
        let host = URL(string: url)?.host ?? "the webhook"
        do {
            let response = try await client.execute(request, timeout: timeout)
            let said = (try? await response.body.collect(upTo: 4 * 1024)).map { String(buffer: $0).prefix(200) } ?? ""
            switch response.status.code {
            case 200..<300: return .applied(detail: .object(["status": .number(Double(response.status.code))]))
            case 408, 429, 500...: return .retryable(reason: "\(host) answered HTTP \(response.status.code)")
            default: return .refused(reason: "\(host) answered HTTP \(response.status.code) \(said)")
            }
        } catch let refused as OutboundClient.Refused {
            return .refused(reason: "not sent: \(refused)")
        } catch {
            return .retryable(reason: "could not reach \(host) (\(HTTPConnector.describe(error)))")
        }
    }
}
