import Synchronization

/// At most `limit` of one kind of heavy work at a time on this node (EDI files, policy
/// backtests); the next caller is told to come back instead of queueing without bound.
public final class ConcurrencyLimit: Sendable {
    public let limit: Int
    private let running = Mutex(0)

    public init(_ limit: Int) { self.limit = limit }

    /// Runs `body` if a place is free, or throws `EngineError.saturated`.
    public func run<T: Sendable>(retryAfterSeconds: Int = 5, _ body: () async throws -> T) async throws -> T {
        let admitted = running.withLock { n -> Bool in
            guard n < limit else { return false }
            n += 1
            return true
        }
        guard admitted else { throw EngineError.saturated(retryAfterSeconds: retryAfterSeconds) }
        defer { running.withLock { $0 -= 1 } }
        return try await body()
    }
}
