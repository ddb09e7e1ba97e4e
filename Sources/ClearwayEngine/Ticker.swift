import ServiceLifecycle

/// What paces a background service between passes (SLA timers, model refresh, outbox
/// delivery). A node waits on the wall clock; tests inject a ticker they step, so a
/// service's behaviour is proven without waiting for time to pass.
public protocol Ticker: Sendable {
    /// Returns when the next pass is due; throws when the task is cancelled.
    func wait(_ interval: Duration) async throws
}

/// Waits on the system's continuous clock.
public struct WallTicker: Ticker {
    public init() {}
    public func wait(_ interval: Duration) async throws { try await Task.sleep(for: interval) }
}

extension Ticker {
    /// Waits for the next pass, returning at once when the node shuts down gracefully.
    func nextPass(_ interval: Duration) async {
        try? await cancelWhenGracefulShutdown { try await wait(interval) }
    }
}
