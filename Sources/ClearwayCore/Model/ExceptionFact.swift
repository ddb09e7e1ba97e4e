/// One exception as process intelligence sees it: its dimensions, its clock, and how much
/// human work it took. Read from the store (cases, exceptions and the audit log) and
/// analysed by `ClearwayInsights`; plain values so a million of them stay small.
public struct ExceptionFact: Sendable, Hashable {
    public var exceptionId: String
    public var caseId: String
    public var type: String
    public var queue: String
    public var site: String
    public var customerId: String
    public var tier: String
    public var segment: String?
    public var channel: String?
    public var productFamily: String?
    public var sku: String?
    /// Milliseconds since 1970 UTC.
    public var openedAt: Int64
    public var closedAt: Int64?
    public var dueAt: Int64
    /// `resolved`, `cancelled`, or an open state.
    public var state: String
    public var touchless: Bool
    /// Ten-thousandths of the currency unit, as `Money` keeps it.
    public var moneyAtRisk: Int64
    /// Audit entries on this exception by a person (not `system:`).
    public var humanTouches: Int
    /// Moves to another queue.
    public var handoffs: Int
    /// Times the cause came back after it had gone.
    public var reopened: Int
    /// When the case (the order) was opened and closed.
    public var caseOpenedAt: Int64
    public var caseClosedAt: Int64?

    public init(exceptionId: String, caseId: String, type: String, queue: String, site: String, customerId: String, tier: String,
                segment: String? = nil, channel: String? = nil, productFamily: String? = nil, sku: String? = nil,
                openedAt: Int64, closedAt: Int64? = nil, dueAt: Int64, state: String, touchless: Bool = false, moneyAtRisk: Int64 = 0,
                humanTouches: Int = 0, handoffs: Int = 0, reopened: Int = 0, caseOpenedAt: Int64? = nil, caseClosedAt: Int64? = nil) {
        self.exceptionId = exceptionId; self.caseId = caseId; self.type = type; self.queue = queue; self.site = site
        self.customerId = customerId; self.tier = tier; self.segment = segment; self.channel = channel
        self.productFamily = productFamily; self.sku = sku; self.openedAt = openedAt; self.closedAt = closedAt
        self.dueAt = dueAt; self.state = state; self.touchless = touchless; self.moneyAtRisk = moneyAtRisk
        self.humanTouches = humanTouches; self.handoffs = handoffs; self.reopened = reopened
        self.caseOpenedAt = caseOpenedAt ?? openedAt; self.caseClosedAt = caseClosedAt
    }

    public var isResolved: Bool { state == "resolved" }
    public var isClosed: Bool { closedAt != nil }
}

/// One approval asked for, and when it was decided.
public struct ApprovalFact: Sendable, Hashable {
    public var exceptionId: String
    public var kind: String
    public var requestedAt: Int64
    public var decidedAt: Int64?
    public var approved: Bool

    public init(exceptionId: String, kind: String, requestedAt: Int64, decidedAt: Int64?, approved: Bool) {
        self.exceptionId = exceptionId; self.kind = kind; self.requestedAt = requestedAt; self.decidedAt = decidedAt; self.approved = approved
    }
}
