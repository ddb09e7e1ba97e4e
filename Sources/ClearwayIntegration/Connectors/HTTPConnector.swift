import AsyncHTTPClient
import ClearwayCore
import Foundation
import NIOCore
import NIOHTTP1

/// Delivers actions as JSON over HTTP: `POST <url>` with `Idempotency-Key`, and the bearer
/// token from the environment variable the connector settings name.
///
/// Answers: 2xx with `{"status": "applied" | "accepted" | "rejected", "reason": …}` (no
/// status: 202 means accepted, other 2xx applied); 408, 409, 425, 429 and 5xx are retried;
/// any other 4xx is a refusal whose reason is the body's `reason` or `detail`.
public struct HTTPConnector: ActionConnector {
    let client: OutboundClient
    let url: String
    let timeout: TimeAmount
    let token: String?

    public init(client: OutboundClient, settings: ConnectorSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.client = client
        self.url = settings.url
        self.timeout = .milliseconds(Int64(settings.timeoutSeconds * 1000))
        self.token = settings.tokenEnv.flatMap { environment[$0] }
    }

    public func deliver(_ delivery: ActionDelivery) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: delivery.idempotencyKey)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: Array(delivery.payload.canonicalData())))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = JSONValue.parse(Data(body.readableBytesView))
            return Self.outcome(status: Int(response.status.code), body: json)
        } catch let refused as OutboundClient.Refused {
            // Retried, not refused: the system did not say no; a policy change lets it through.
            return .retryable(reason: "not sent: \(refused)")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .retryable(reason: "no answer within \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            return .retryable(reason: "could not reach the system (\(Self.describe(error)))")
        }
    }

    static func outcome(status: Int, body: JSONValue?) -> DeliveryOutcome {
        let reason = body?["reason"]?.stringValue ?? body?["detail"]?.stringValue
        switch status {
        case 200..<300:
            switch body?["status"]?.stringValue {
            case "rejected": return .refused(reason: reason ?? "rejected without a reason")
            case "accepted": return .accepted(detail: body)
            case "applied": return .applied(detail: body)
            default: return status == 202 ? .accepted(detail: body) : .applied(detail: body)
            }
        case 408, 409, 425, 429, 500..<600:
            return .retryable(reason: "HTTP \(status)\(reason.map { ": \($0)" } ?? "")")
        default:
            return .refused(reason: reason ?? "HTTP \(status)")
        }
    }

    /// A short, safe description: the error's type, never its internals.
    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError { return "\(e)".prefix(80).description }
        return String(describing: type(of: error))
    }
}
