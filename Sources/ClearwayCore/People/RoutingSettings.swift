/// How work in a queue finds its owner.
public enum RoutingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// People press Get next and take the most urgent item they are skilled for.
    case pull
    /// New and escalated items are assigned to the least-loaded skilled person on shift.
    case push
    /// Items wait in the queue for someone to claim them or a supervisor to assign them.
    case manual
}

/// `routing: {default: pull, queues: {credit: push}, weights: {credit.limit_exceeded: 2}}`.
public struct RoutingSettings: Sendable, Hashable {
    public var defaultMode: RoutingMode = .manual
    public var modes: [String: RoutingMode] = [:]
    /// How much of a person's capacity one open item of a type takes (default 1).
    public var weights: [String: Double] = [:]
    /// A person holding this many breached items in push queues is behind: their other
    /// push-queue items are re-routed to someone with room (0: never).
    public var rebalanceWhenBreached = 0

    public init() {}

    public func mode(of queue: String) -> RoutingMode { modes[queue] ?? defaultMode }
    public func weight(of type: String) -> Double { weights[type] ?? 1 }

    /// Queues (of `all`) routed in `mode`.
    public func queues(_ mode: RoutingMode, of all: [String]) -> [String] { all.filter { self.mode(of: $0) == mode } }
}
