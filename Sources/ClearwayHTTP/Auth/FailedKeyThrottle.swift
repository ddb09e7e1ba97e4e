import ClearwayCore
import Synchronization

/// Slows down guessing of API keys: a client address that sent `limit` unknown or revoked
/// keys within `window` seconds is answered 429 until the window passes, without looking
/// at what it sends. Per node and in memory (at most `maxAddresses` remembered); keys are
/// 256-bit random values, so this is about noise and load, not about the odds of a hit.
final class FailedKeyThrottle: Sendable {
    let limit: Int
    let window: Double
    let maxAddresses: Int
    private let failures = Mutex<[String: (since: Instant, count: Int)]>([:])

    init(limit: Int = 20, window: Double = 60, maxAddresses: Int = 10_000) {
        self.limit = limit; self.window = window; self.maxAddresses = maxAddresses
    }

    /// Seconds the address must wait, or nil when it may try.
    func wait(for address: String, at now: Instant) -> Int? {
        failures.withLock { f in
            guard let entry = f[address] else { return nil }
            let elapsed = now.seconds(since: entry.since)
            if elapsed >= window || elapsed < 0 { f[address] = nil; return nil }
            return entry.count >= limit ? max(1, Int((window - elapsed).rounded(.up))) : nil
        }
    }

    func recordFailure(from address: String, at now: Instant) {
        failures.withLock { f in
            if f.count >= maxAddresses {
                f = f.filter { now.seconds(since: $0.value.since) < window }
                if f.count >= maxAddresses { f.removeAll() }
            }
            var entry = f[address] ?? (now, 0)
            if now.seconds(since: entry.since) >= window { entry = (now, 0) }
            entry.count += 1
            f[address] = entry
        }
    }
}
