import ClearwayCore

/// A circuit breaker for one connector. After `threshold` consecutive failures it opens
/// and no delivery is tried until `openSeconds` have passed; then one probe goes through
/// (half open): success closes it, failure opens it again. Time is passed in, never read.
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case closed
        case open(until: Instant)
        case halfOpen
    }

    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    public private(set) var probeInFlight = false
    public let threshold: Int
    public let openSeconds: Double

    public init(threshold: Int, openSeconds: Double) {
        self.threshold = max(1, threshold); self.openSeconds = openSeconds
    }

    /// Whether a delivery may be tried now; in half-open state only one at a time.
    public mutating func allow(now: Instant) -> Bool {
        switch state {
        case .closed: return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            probeInFlight = true
            return true
        case .halfOpen:
            guard !probeInFlight else { return false }
            probeInFlight = true
            return true
        }
    }

    public mutating func recordSuccess() {
        state = .closed
        consecutiveFailures = 0
        probeInFlight = false
    }

    public mutating func recordFailure(now: Instant) {
        consecutiveFailures += 1
        probeInFlight = false
        if state == .halfOpen || consecutiveFailures >= threshold { state = .open(until: now.adding(seconds: openSeconds)) }
    }

    public var isOpen: Bool { if case .open = state { true } else { false } }

    public var name: String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }
}
