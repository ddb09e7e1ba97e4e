import Foundation
import Logging
import PostgresKit
import Synchronization

/// "Something in the record changed": a counter that rises after every commit that wrote
/// audit rows, on this node directly and, on PostgreSQL, from every other node through
/// LISTEN/NOTIFY. Live views wait on it instead of polling the database.
public final class ChangeSignal: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextId: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var version: UInt64 { state.withLock { $0.version } }

    /// A change was committed (here or on another node): wake every waiter.
    public func signal() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.version &+= 1
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// Returns the version once it is above `seen`, or after `timeout` (the caller decides
    /// what a quiet period means), whichever comes first; also on cancellation.
    public func next(after seen: UInt64, timeout: Duration) async -> UInt64 {
        if version > seen { return version }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForChange(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return version
    }

    private func waitForChange(after seen: UInt64) async {
        let id = state.withLock { s -> UInt64 in s.nextId += 1; return s.nextId }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.version > seen || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

extension Database {
    /// The channel commits are announced on (PostgreSQL NOTIFY; the payload is empty).
    static let changeChannel = "clearway_changes"

    /// On PostgreSQL, listens on a connection of its own for other nodes' commits and raises
    /// `changes` for each, until cancelled; a lost connection throws (the caller reconnects).
    /// On SQLite there is no other node, and this returns at once.
    public func listenForChanges() async throws {
        guard case .postgres(let url) = location else { return }
        let config = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        do {
            let notifications = try await connection.listen(Self.changeChannel)
            changes.signal()      // whatever happened while no one was listening
            keyRevocations.signal()
            for try await notification in notifications {
                changes.signal()
                if notification.payload == "keys" { keyRevocations.signal() }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
