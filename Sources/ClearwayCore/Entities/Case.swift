import Foundation

/// A case row: the order-level bundle of exceptions, with columns for filtering and sorting.
public struct CaseRecord: Sendable, Codable, Hashable {
    public var id: String
    /// The order id, or `customer:ID` for a customer message not tied to an order.
    public var orderKey: String
    public var orderId: String?
    public var customerId: String
    public var customerTier: CustomerTier
    public var segment: String?
    public var site: String
    public var channel: String?
    public var state: CaseState
    public var priority: Double
    public var moneyAtRisk: Money
    public var exceptionCount: Int
    public var openedAt: Instant
    public var updatedAt: Instant
    public var closedAt: Instant?
    public var policyVersion: String
    /// The trace of the event that opened the case, as it arrived (W3C Trace Context).
    public var trace: TraceContext?

    public init(id: String, orderKey: String, orderId: String?, customerId: String, customerTier: CustomerTier, segment: String?,
                site: String, channel: String?, state: CaseState, priority: Double, moneyAtRisk: Money, exceptionCount: Int,
                openedAt: Instant, updatedAt: Instant, closedAt: Instant?, policyVersion: String) {
        self.id = id; self.orderKey = orderKey; self.orderId = orderId; self.customerId = customerId
        self.customerTier = customerTier; self.segment = segment; self.site = site; self.channel = channel
        self.state = state; self.priority = priority; self.moneyAtRisk = moneyAtRisk; self.exceptionCount = exceptionCount
        self.openedAt = openedAt; self.updatedAt = updatedAt; self.closedAt = closedAt; self.policyVersion = policyVersion
    }
}

/// One exception of a case, with its own lifecycle, owner queue and SLA clock.
public struct ExceptionRecord: Sendable, Codable, Hashable {
    public var id: String
    public var caseId: String
    public var identity: String
    public var type: ExceptionType
    public var queue: String
    public var lifecycle: ExceptionLifecycle
    public var finding: Finding
    public var sla: SLAClock
    public var priority: PriorityScore
    public var openedAt: Instant
    public var updatedAt: Instant
    public var closedAt: Instant?

    public init(id: String, caseId: String, identity: String, type: ExceptionType, queue: String, lifecycle: ExceptionLifecycle,
                finding: Finding, sla: SLAClock, priority: PriorityScore, openedAt: Instant, updatedAt: Instant, closedAt: Instant?) {
        self.id = id; self.caseId = caseId; self.identity = identity; self.type = type; self.queue = queue
        self.lifecycle = lifecycle; self.finding = finding; self.sla = sla; self.priority = priority
        self.openedAt = openedAt; self.updatedAt = updatedAt; self.closedAt = closedAt
    }
}

extension CaseRecord {
    /// What a roll-up means beyond the case row.
    public enum RollupEffect: Sendable, Hashable {
        /// The case as a whole changed state (audited as `case.state_changed`).
        case stateChanged(from: CaseState, to: CaseState)
        /// The case closed for an order: an order that came by EDI is acknowledged now (855).
        case acknowledgeOrder(String)
    }

    /// Brings the case's derived fields in line with its exceptions: state, the highest open
    /// priority, money at risk on open work, counts and times, and the policy that decided.
    public mutating func rollUp(_ exceptions: [ExceptionRecord], now: Instant, policyVersion: String) -> [RollupEffect] {
        let before = state
        let open = exceptions.filter { !$0.lifecycle.state.isClosed }
        state = CaseState.derive(from: exceptions.map(\.lifecycle.state))
        priority = open.map(\.priority.score).max() ?? 0
        moneyAtRisk = open.reduce(.zero) { $0 + $1.finding.moneyAtRisk }
        exceptionCount = exceptions.count
        updatedAt = now
        closedAt = state.isClosed ? now : nil
        self.policyVersion = policyVersion
        guard before != state else { return [] }
        var effects: [RollupEffect] = [.stateChanged(from: before, to: state)]
        if state.isClosed, let orderId { effects.append(.acknowledgeOrder(orderId)) }
        return effects
    }
}
