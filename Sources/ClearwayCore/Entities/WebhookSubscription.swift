import Foundation

/// A subscriber to changes: every audit row whose action matches one of `events` (exact,
/// or a prefix ending in `*`, e.g. `exception.*`) is delivered to `url`, signed.
public struct WebhookSubscription: Sendable, Hashable {
    public var id: String
    public var url: String
    public var description: String?
    public var events: [String]
    public var createdAt: Instant
    public var disabledAt: Instant?
    public var disabledReason: String?

    public func wants(_ action: String) -> Bool {
        events.contains { $0 == action || $0 == "*" || ($0.hasSuffix("*") && action.hasPrefix($0.dropLast())) }
    }

    /// What subscribers get by default: case and exception state changes and action outcomes.
    public static let defaultEvents = ["case.*", "exception.*", "action.*", "sla.*"]

    public init(id: String, url: String, description: String? = nil, events: [String], createdAt: Instant, disabledAt: Instant? = nil, disabledReason: String? = nil) {
        self.id = id; self.url = url; self.description = description; self.events = events; self.createdAt = createdAt; self.disabledAt = disabledAt; self.disabledReason = disabledReason
    }
}
