import Synchronization

/// Makes ids for cases, exceptions, timers and dead letters. Injected so tests and the
/// simulator get repeatable ids.
public protocol IdentifierSource: Sendable {
    func next(_ prefix: String) -> String
}

/// Random ids in Crockford base32 (no I, L, O, U), short enough to read out on a call.
public struct RandomIdentifiers: IdentifierSource {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public init() {}
    /// Twelve characters of five random bits each, all from one 64-bit draw (one system
    /// call, not one per character).
    public func next(_ prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        var bits = rng.next()
        var text = prefix + "-"
        for _ in 0..<12 {
            text.append(Self.alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return text
    }
}

/// Sequential ids (`CASE-000001`, …) for tests and reproducible demos.
public final class SequentialIdentifiers: IdentifierSource {
    private let counters = Mutex<[String: Int]>([:])
    public init() {}
    public func next(_ prefix: String) -> String {
        let n = counters.withLock { c -> Int in c[prefix, default: 0] += 1; return c[prefix]! }
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - String(n).count)) + String(n)
    }
}
