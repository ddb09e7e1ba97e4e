/// An async mutex: one holder at a time, waiters resumed in arrival order. SQLite allows
/// one writer, so write transactions queue here instead of failing with SQLITE_BUSY.
public actor SerialGate {
    public init() {}
    private var busy = false

    /// Someone holds the gate now.
    public var isHeld: Bool { busy }
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }

    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            release()
            return value
        } catch {
            release()
            throw error
        }
    }
}
