import Foundation
import Yams

/// `outbound: {allow: [...]}`: the distributor's own hosts and address ranges that
/// connectors and webhooks may reach. Connector URLs that name an internal address
/// outright (`localhost`, `10.0.0.5`, `[::1]`, `2130706433`) must be listed here; names
/// are checked again after they resolve, at every delivery.
enum OutboundSection {
    static func read(_ root: Node, connectors: [String: ConnectorSettings], _ r: YAMLNodeReader) -> OutboundPolicy {
        var policy = OutboundPolicy()
        let node = r.child(root, "outbound")
        _ = r.mapping(node, "outbound", allowed: ["allow"])
        for entryNode in r.sequence(r.child(node, "allow"), "outbound.allow") {
            guard let entry = r.string(entryNode, "outbound.allow entry") else { continue }
            if let problem = OutboundPolicy.entryProblem(entry) { r.issue(entryNode, "outbound.allow: \(problem)") } else { policy.allow.append(entry) }
        }
        for (system, settings) in connectors.sorted(by: { $0.key < $1.key }) {
            guard let url = URL(string: settings.url), let host = url.host?.lowercased() else { continue }
            guard let address = literalAddress(host) else { continue }
            if let refusal = policy.refusal(host: host, port: url.port, addresses: [address]) {
                r.issue(r.child(r.child(root, "connectors"), system), "connectors.\(system).url: \(refusal)")
            }
        }
        return policy
    }

    /// The address a host names without asking DNS: an address in any form a resolver
    /// accepts (dotted, one decimal number, octal or hex parts), or `localhost`.
    static func literalAddress(_ host: String) -> [UInt8]? {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare.hasSuffix(".localhost") { return [127, 0, 0, 1] }
        if let address = OutboundPolicy.parseAddress(bare) { return address }
        var v4 = in_addr()
        guard inet_aton(bare, &v4) != 0 else { return nil }
        return withUnsafeBytes(of: v4) { Array($0) }
    }
}
