import Foundation

/// The backlog as an operations lead reads it: open exceptions by age, the daily flow in
/// and out, and one queue's work list.
public struct BacklogOverview: Sendable, Hashable {
    public struct AgeBucket: Sendable, Hashable {
        public var label: String
        public var count: Int
        public init(label: String, count: Int) { self.label = label; self.count = count }
    }

    public struct Day: Sendable, Hashable {
        public var date: LocalDate
        public var opened: Int
        public var resolved: Int
        public var resolvedAutomatically: Int
        public init(date: LocalDate, opened: Int, resolved: Int, resolvedAutomatically: Int) {
            self.date = date; self.opened = opened; self.resolved = resolved; self.resolvedAutomatically = resolvedAutomatically
        }
    }

    public var ageBuckets: [AgeBucket]
    public var days: [Day]

    public init(ageBuckets: [AgeBucket], days: [Day]) { self.ageBuckets = ageBuckets; self.days = days }
}

/// Filters for a queue's work list. Every value is bound.
public struct QueueFilter: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable { case priority, age, due }

    public var queue: String
    public var type: ExceptionType?
    public var site: String?
    public var customerId: String?
    public var tier: CustomerTier?
    /// Only exceptions open at least this long.
    public var openedBefore: Instant?
    public var sort: Sort = .priority
    public var limit = 100

    public init(queue: String) { self.queue = queue }
}

/// One row of a queue's work list: the exception and the case columns it is filtered by.
public struct QueueItem: Sendable, Hashable {
    public var exception: ExceptionRecord
    public var orderId: String?
    public var customerId: String
    public var tier: CustomerTier
    public var site: String

    public init(exception: ExceptionRecord, orderId: String? = nil, customerId: String, tier: CustomerTier, site: String) {
        self.exception = exception; self.orderId = orderId; self.customerId = customerId; self.tier = tier; self.site = site
    }
}
