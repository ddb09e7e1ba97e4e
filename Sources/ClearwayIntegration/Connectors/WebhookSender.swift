import AsyncHTTPClient
import ClearwayCore
import Crypto
import Foundation
import NIOCore

/// Sends one webhook the Standard Webhooks way: `webhook-id` (the same on every retry, so a
/// receiver can drop repeats), `webhook-timestamp` (Unix seconds) and `webhook-signature`
/// (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes).
public struct WebhookSender: Sendable {
    let client: OutboundClient
    let timeout: TimeAmount

    public init(client: OutboundClient, timeoutSeconds: Double) {
        self.client = client
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
    }

    /// The signature header value for a message, as a receiver recomputes it.
    public static func signature(secret: String, id: String, timestamp: Int64, body: Data) -> String? {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return nil }
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// 2xx is delivered; 410 Gone means the receiver wants no more (refused); anything else,
    /// or no answer, is retried.
    public func send(url: String, secret: String, id: String, timestamp: Int64, body: Data) async -> DeliveryOutcome {
        guard let signature = Self.signature(secret: secret, id: id, timestamp: timestamp, body: body) else {
            return .refused(reason: "the subscription's secret is unreadable")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: signature)
        request.body = .bytes(ByteBuffer(bytes: Array(body)))
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            switch response.status.code {
            case 200..<300: return .applied(detail: nil)
            case 410: return .refused(reason: "the receiver answered 410 Gone")
            default: return .retryable(reason: "HTTP \(response.status.code)")
            }
        } catch let refused as OutboundClient.Refused {
            return .refused(reason: "not sent: \(refused)")
        } catch {
            return .retryable(reason: "could not reach the receiver (\(HTTPConnector.describe(error)))")
        }
    }
}
