import ClearwayCore
import ClearwayIntegration
import Synchronization

/// The connectors this node delivers through, one per source system, each with its own
/// circuit breaker and delivery counts (shown on `/metrics` and `GET /v1/connectors`).
public final class ConnectorRegistry: Sendable {
    struct Entry: Sendable {
        var connector: any ActionConnector
        var settings: ConnectorSettings
        var breaker: CircuitBreaker
        var counts: [String: Int] = [:]
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Adds or replaces the connector for `system`; its breaker starts closed.
    public func register(_ system: String, connector: any ActionConnector, settings: ConnectorSettings) {
        entries.withLock { $0[system] = Entry(connector: connector, settings: settings,
                                              breaker: CircuitBreaker(threshold: settings.breakerFailures, openSeconds: settings.breakerOpenSeconds)) }
    }

    public func canReach(_ system: String) -> Bool { entries.withLock { $0[system] != nil } }

    func connector(_ system: String) -> (any ActionConnector, ConnectorSettings)? {
        entries.withLock { e in e[system].map { ($0.connector, $0.settings) } }
    }

    /// Systems whose circuit is open now: their deliveries wait in the outbox.
    func openCircuits(now: Instant) -> Set<String> {
        entries.withLock { e in
            Set(e.compactMap { name, entry in
                if case .open(let until) = entry.breaker.state, now < until { return name }
                return nil
            })
        }
    }

    enum Admission { case go, wait(until: Instant) }

    /// Asks the breaker whether a delivery may be tried now, or until when it must wait.
    func admit(_ system: String, now: Instant) -> Admission {
        entries.withLock { e -> Admission in
            guard var entry = e[system] else { return .go }
            defer { e[system] = entry }
            if entry.breaker.allow(now: now) { return .go }
            if case .open(let until) = entry.breaker.state { return .wait(until: until) }
            return .wait(until: now.adding(seconds: 1))
        }
    }

    func record(_ system: String, outcome: String, healthy: Bool, now: Instant) {
        entries.withLock { e in
            guard var entry = e[system] else { return }
            entry.counts[outcome, default: 0] += 1
            if healthy { entry.breaker.recordSuccess() } else { entry.breaker.recordFailure(now: now) }
            e[system] = entry
        }
    }

    func count(_ system: String, _ outcome: String) {
        entries.withLock { e in e[system]?.counts[outcome, default: 0] += 1 }
    }

    /// One row per connector: circuit state and deliveries by outcome since start.
    public func status() -> [ConnectorStatus] {
        entries.withLock { e in
            e.keys.sorted().compactMap { name in
                e[name].map { ConnectorStatus(system: name, url: RedactedURL.text($0.settings.url), circuit: $0.breaker.name,
                                              consecutiveFailures: $0.breaker.consecutiveFailures, deliveries: $0.counts) }
            }
        }
    }
}

public struct ConnectorStatus: Sendable, Hashable {
    public var system: String
    public var url: String
    public var circuit: String
    public var consecutiveFailures: Int
    /// Attempts by outcome: applied, accepted, refused, retryable, dead_lettered, waiting.
    public var deliveries: [String: Int]
}
