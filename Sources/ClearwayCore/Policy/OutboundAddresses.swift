import Foundation

/// Where Clearway may send requests (connectors, webhooks). Internal addresses — loopback,
/// private ranges, link-local (cloud metadata lives there), unspecified, carrier-grade NAT,
/// unique-local IPv6 — are refused unless the policy's `outbound.allow` names them, so a
/// webhook URL cannot turn Clearway into a way into the distributor's own network.
public struct OutboundPolicy: Sendable, Hashable, Codable {
    /// Host names (`erp.plant.local`, optionally `:port`) or address ranges (`10.20.0.0/16`,
    /// `fd00::/8`, `127.0.0.1`) that on-premise systems live at.
    public var allow: [String]

    public init(allow: [String] = []) { self.allow = allow }

    /// Why a request to `host` (as the URL names it, lower-cased), resolved to `addresses`
    /// (4 or 16 bytes each), may not be sent; nil when it may.
    public func refusal(host: String, port: Int?, addresses: [[UInt8]]) -> String? {
        if addresses.isEmpty { return "\(host) does not resolve to any address" }
        if allowsHost(host, port: port) { return nil }
        for address in addresses {
            guard let kind = Self.internalKind(address) else { continue }
            if allow.contains(where: { Self.range($0)?.contains(address) == true }) { continue }
            return "\(host) resolves to \(Self.text(address)), a \(kind) address; name it under outbound.allow in the policy if it is one of the distributor's own systems"
        }
        return nil
    }

    func allowsHost(_ host: String, port: Int?) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return allow.contains { entry in
            let e = entry.lowercased()
            if e == h { return true }
            if let port { return e == "\(h):\(port)" }
            return false
        }
    }

    /// The kind of internal address, or nil for a public one.
    public static func internalKind(_ a: [UInt8]) -> String? {
        if a.count == 4 {
            switch (a[0], a[1]) {
            case (0, _): return "unspecified"
            case (127, _): return "loopback"
            case (10, _), (172, 16...31), (192, 168): return "private"
            case (169, 254): return "link-local"
            case (100, 64...127): return "shared (carrier-grade NAT)"
            case (224...255, _): return "multicast or reserved"
            default: return nil
            }
        }
        guard a.count == 16 else { return "unreadable" }
        if a.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if a[0..<15].allSatisfy({ $0 == 0 }) && a[15] == 1 { return "loopback" }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged as IPv4.
        if a[0..<10].allSatisfy({ $0 == 0 }) && ((a[10] == 0xff && a[11] == 0xff) || (a[10] == 0 && a[11] == 0)) {
            return internalKind(Array(a[12..<16]))
        }
        if a[0] & 0xfe == 0xfc { return "unique-local" }
        if a[0] == 0xfe && a[1] & 0xc0 == 0x80 { return "link-local" }
        if a[0] == 0xff { return "multicast" }
        return nil
    }

    /// Whether `address` lies in `range` (`10.0.0.0/8`, `fd00::/8`, or one address).
    public static func rangeContains(_ range: String, _ address: [UInt8]) -> Bool {
        Self.range(range)?.contains(address) ?? false
    }

    /// An address range `a.b.c.d/n` or `x::/n` (a bare address is a range of one).
    struct AddressRange { let base: [UInt8]; let bits: Int
        func contains(_ a: [UInt8]) -> Bool {
            guard a.count == base.count else { return false }
            for i in 0..<base.count {
                let remaining = bits - i * 8
                if remaining <= 0 { return true }
                let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
                if a[i] & mask != base[i] & mask { return false }
            }
            return true
        }
    }

    static func range(_ entry: String) -> AddressRange? {
        let parts = entry.split(separator: "/", maxSplits: 1)
        guard let base = parseAddress(String(parts[0])) else { return nil }
        let bits = parts.count == 2 ? Int(parts[1]) : base.count * 8
        guard let bits, (0...(base.count * 8)).contains(bits) else { return nil }
        return AddressRange(base: base, bits: bits)
    }

    /// An IPv4 or IPv6 address in its usual text form, or nil.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        let t = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var v4 = in_addr()
        if t.contains("."), !t.contains(":"), inet_pton(AF_INET, t, &v4) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        if t.contains(":"), inet_pton(AF_INET6, t, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    public static func text(_ a: [UInt8]) -> String {
        if a.count == 4 { return a.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: a.count, by: 2).map { String(UInt16(a[$0]) << 8 | UInt16(a[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    /// Problems with an `outbound.allow` entry, for `policy check`.
    public static func entryProblem(_ entry: String) -> String? {
        if entry.contains("/") { return range(entry) == nil ? "'\(entry)' is not an address range such as 10.20.0.0/16" : nil }
        if entry.isEmpty || entry.contains(where: { $0.isWhitespace || "@?#".contains($0) }) {
            return "'\(entry)' is not a host name, address or address range"
        }
        return nil
    }
}
