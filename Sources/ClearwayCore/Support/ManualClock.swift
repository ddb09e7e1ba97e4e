import Synchronization

/// A clock that moves only when told to: tests prove SLA behaviour by advancing it, and
/// the simulator backfills months of history with it.
public final class ManualClock: BusinessClock {
    private let current: Mutex<Instant>

    public init(_ start: Instant) { current = Mutex(start) }

    public func now() -> Instant { current.withLock { $0 } }

    public func set(_ instant: Instant) { current.withLock { $0 = instant } }

    public func advance(seconds: Double) { current.withLock { $0 = $0.adding(seconds: seconds) } }
}
