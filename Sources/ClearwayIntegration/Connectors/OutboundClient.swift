import AsyncHTTPClient
import ClearwayCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Every request Clearway sends to a connector or webhook goes through here. The host is
/// resolved first and every address it resolves to is checked against `OutboundPolicy`;
/// the connection then goes to the address that was checked (the name is pinned to it, so
/// a name that answers differently a moment later cannot redirect the request), and
/// redirects are never followed.
public final class OutboundClient: Sendable {
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public let description: String
        var unresolved = false
    }

    private let policy: Mutex<OutboundPolicy>
    /// Resolves a host to its addresses (4 or 16 bytes each); getaddrinfo by default.
    let resolve: @Sendable (String) async throws -> [[UInt8]]
    /// Each call is a client span; the receiver hears its context as `traceparent`.
    let telemetry: Telemetry

    public init(policy: OutboundPolicy, telemetry: Telemetry = .off, resolve: (@Sendable (String) async throws -> [[UInt8]])? = nil) {
        self.policy = Mutex(policy)
        self.telemetry = telemetry
        self.resolve = resolve ?? { try await Self.systemResolve($0) }
    }

    public func setPolicy(_ policy: OutboundPolicy) { self.policy.withLock { $0 = policy } }

    /// Why `url` may not be called, or nil. Resolves the host; a host that does not resolve
    /// (yet) passes when `allowUnresolved`, to be checked again when it is called.
    public func refusal(_ url: String, allowUnresolved: Bool = false) async -> String? {
        do { _ = try await target(url); return nil } catch let refused as Refused {
            return allowUnresolved && refused.unresolved ? nil : refused.description
        } catch {
            return "the URL could not be checked"
        }
    }

    public func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        let (host, address) = try await target(request.url)
        let method = request.method.rawValue
        let attributes = ["http.request.method": method, "server.address": host, "url.full": RedactedURL.text(request.url)]
        return try await telemetry.span("\(method)", kind: .client, attributes: attributes) { notes in
            var request = request
            // The receiver joins this call's trace (or the one the work arrived in).
            for (name, value) in telemetry.outgoingHeaders() { request.headers.replaceOrAdd(name: name, value: value) }
            let response = try await PinnedClients.client(host: host, address: address).execute(request, timeout: timeout)
            notes.set("http.response.status_code", Int(response.status.code))
            if response.status.code >= 500 { notes.fail("HTTP \(response.status.code)") }
            return response
        }
    }

    /// The host and the checked address to connect to.
    func target(_ url: String) async throws -> (host: String, address: String) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host?.lowercased(), !host.isEmpty else {
            throw Refused(description: "only http:// and https:// URLs with a host are called")
        }
        if parsed.user != nil || parsed.password != nil { throw Refused(description: "URLs with credentials are not called") }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let addresses: [[UInt8]]
        do { addresses = try await resolve(bare) } catch { throw Refused(description: "\(host) could not be resolved", unresolved: true) }
        if let refusal = policy.withLock({ $0 }).refusal(host: host, port: parsed.port, addresses: addresses) {
            throw Refused(description: refusal)
        }
        return (bare, OutboundPolicy.text(addresses[0]))
    }

    /// getaddrinfo on NIO's thread pool (it blocks).
    static func systemResolve(_ host: String) async throws -> [[UInt8]] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [[UInt8]] = []
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let info = next {
                if info.pointee.ai_family == AF_INET, let sa = info.pointee.ai_addr {
                    sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { addresses.append(withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }) }
                } else if info.pointee.ai_family == AF_INET6, let sa = info.pointee.ai_addr {
                    sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { addresses.append(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }) }
                }
                next = info.pointee.ai_next
            }
            return addresses
        }
    }
}

/// HTTP clients that connect one host name to one checked address and follow no redirect,
/// kept for the life of the process like `HTTPClient.shared` (connections are reused
/// across deliveries; a client dropped without shutdown would be a leak). At most 64; the
/// oldest is shut down beyond that.
enum PinnedClients {
    static let clients = Mutex<[String: HTTPClient]>([:])

    static func client(host: String, address: String) async -> HTTPClient {
        let key = "\(host)|\(address)"
        let (client, evicted) = clients.withLock { c -> (HTTPClient, HTTPClient?) in
            if let existing = c[key] { return (existing, nil) }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            if OutboundPolicy.parseAddress(host) == nil { configuration.dnsOverride = [host: address] }
            let created = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            var evicted: HTTPClient?
            if c.count >= 64, let first = c.keys.first { evicted = c.removeValue(forKey: first) }
            c[key] = created
            return (created, evicted)
        }
        if let evicted { try? await evicted.shutdown() }
        return client
    }
}
