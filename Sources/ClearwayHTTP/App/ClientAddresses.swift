import ClearwayCore
import Foundation
import HTTPTypes
import Hummingbird

/// The address a request came from, for limits that count per client (sign-in failures,
/// unknown keys). Behind a reverse proxy every request arrives from the proxy, so the
/// proxies named here (addresses or ranges, `serve --trusted-proxy`) are looked through:
/// the client is the right-most `X-Forwarded-For` entry that is not one of them. The header
/// is ignored from anyone else, so a client cannot choose its own address.
public struct ClientAddresses: Sendable {
    public let trustedProxies: [String]

    public init(trustedProxies: [String] = []) { self.trustedProxies = trustedProxies }

    public func address(of request: Request, context: ClearwayRequestContext) -> String {
        address(peer: context.clientAddress, forwardedFor: request.headers[.xForwardedFor])
    }

    /// The client behind `peer` (the connection's address), given its `X-Forwarded-For`.
    public func address(peer: String, forwardedFor header: String?) -> String {
        guard isTrusted(peer), let header else { return peer }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !isTrusted(hop) {
            return OutboundPolicy.parseAddress(hop) != nil ? hop : peer
        }
        return hops.first ?? peer
    }

    func isTrusted(_ address: String) -> Bool {
        guard let bytes = OutboundPolicy.parseAddress(address) else { return false }
        return trustedProxies.contains { OutboundPolicy.rangeContains($0, bytes) }
    }

    /// Problems with a `--trusted-proxy` value, or nil.
    public static func problem(_ entry: String) -> String? {
        let base = entry.split(separator: "/").first.map(String.init) ?? entry
        guard OutboundPolicy.parseAddress(base) != nil, OutboundPolicy.entryProblem(entry) == nil else {
            return "'\(entry)' is not an address or address range such as 10.0.0.0/8"
        }
        return nil
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
