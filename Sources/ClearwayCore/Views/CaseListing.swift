import Foundation

/// Filters for the case list. Every value is bound, never spliced into SQL.
public struct CaseFilter: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable { case priority, age, updated }

    public var states: [CaseState] = []
    public var queue: String?
    public var type: ExceptionType?
    public var site: String?
    public var customerId: String?
    public var orderId: String?
    public var tier: CustomerTier?
    public var minPriority: Double?
    /// Only cases opened at or before this instant (i.e. at least this old).
    public var openedBefore: Instant?
    public var sort: Sort = .priority
    public var limit: Int = 50
    public var offset: Int = 0

    public init() {}
}

public struct CasePage: Sendable {
    public var cases: [CaseRecord]
    public var exceptions: [String: [ExceptionRecord]]
    public var total: Int

    public init(cases: [CaseRecord], exceptions: [String: [ExceptionRecord]], total: Int) {
        self.cases = cases; self.exceptions = exceptions; self.total = total
    }
}

public struct QueueStats: Sendable, Hashable {
    public var queue: String
    public var open: Int = 0
    public var assigned: Int = 0
    public var waiting: Int = 0
    public var atRisk: Int = 0
    public var breached: Int = 0
    public var oldestOpenedAt: Instant?
    public var nextDueAt: Instant?

    public init(queue: String) { self.queue = queue }
}
