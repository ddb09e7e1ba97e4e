/// One approval threshold from the policy: the listed actions need `role`'s approval when
/// any of the thresholds is exceeded.
public struct ApprovalRule: Sendable, Hashable {
    public var id: String
    public var actions: Set<ActionKind>
    public var amountAbove: Money?
    public var priceChangePercentAbove: Double?
    /// True: applies when the customer's exposure would end above the credit limit.
    public var overCreditLimit: Bool
    public var role: Role
    /// Business minutes a request may wait before it goes to the next approver role.
    public var escalateAfterMinutes: Double?

    public init(id: String, actions: Set<ActionKind>, amountAbove: Money? = nil, priceChangePercentAbove: Double? = nil,
                overCreditLimit: Bool = false, role: Role) {
        self.id = id; self.actions = actions; self.amountAbove = amountAbove
        self.priceChangePercentAbove = priceChangePercentAbove; self.overCreditLimit = overCreditLimit; self.role = role
    }

    /// The reason this rule applies to an action with `impact`, or nil when it does not.
    public func applies(to kind: ActionKind, impact: ActionImpact) -> String? {
        guard actions.contains(kind) else { return nil }
        var reasons: [String] = []
        if let limit = amountAbove, impact.amount > limit { reasons.append("amount \(impact.amount) above \(limit)") }
        if let limit = priceChangePercentAbove, let change = impact.priceChangePercent, change > limit + 1e-9 {
            reasons.append("price change \(percentText(change)) above \(percentText(limit))")
        }
        if overCreditLimit && impact.overCreditLimit { reasons.append("exposure would exceed the credit limit") }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// The thresholds the brief of a distributor's finance team usually starts from.
    public static let defaults: [ApprovalRule] = [
        ApprovalRule(id: "price-override", actions: [.overridePrice], amountAbove: Money(5_000), priceChangePercentAbove: 3, role: .pricingApprover),
        ApprovalRule(id: "credit-over-limit", actions: [.releaseCredit, .releaseHold], overCreditLimit: true, role: .creditApprover),
        ApprovalRule(id: "large-value", actions: [.overridePrice, .releaseCredit], amountAbove: Money(50_000), role: .supervisor),
    ]
}

/// Who must approve an action, and why.
public struct ApprovalRequirement: Sendable, Hashable, Codable {
    public var role: Role
    public var rules: [String]
    public var reason: String
    /// Business minutes the request may wait for `role` before it goes to the next role.
    public var escalateAfterMinutes: Double?
    /// Roles it was escalated from, first to last.
    public var escalatedFrom: [Role]?

    public init(role: Role, rules: [String], reason: String, escalateAfterMinutes: Double? = nil) {
        self.role = role; self.rules = rules; self.reason = reason; self.escalateAfterMinutes = escalateAfterMinutes
    }

    /// The request goes to the next approver role; false when none is above it.
    public mutating func escalate() -> Bool {
        guard let next = role.nextApprover else { return false }
        escalatedFrom = (escalatedFrom ?? []) + [role]
        role = next
        return true
    }

    /// The stricter of two requirements (the higher-ranked role), or whichever is set.
    public static func stricter(_ a: ApprovalRequirement?, _ b: ApprovalRequirement?) -> ApprovalRequirement? {
        guard let a else { return b }
        guard let b else { return a }
        return b.role.approvalRank > a.role.approvalRank ? b : a
    }

    /// The strictest approval the policy's rules ask for, or nil when none applies.
    public static func required(for kind: ActionKind, impact: ActionImpact, rules: [ApprovalRule]) -> ApprovalRequirement? {
        let matched = rules.compactMap { rule in rule.applies(to: kind, impact: impact).map { (rule, $0) } }
        guard let strictest = matched.max(by: { $0.0.role.approvalRank < $1.0.role.approvalRank }) else { return nil }
        return ApprovalRequirement(role: strictest.0.role, rules: matched.map(\.0.id),
                                   reason: matched.map { "\($0.0.id): \($0.1)" }.joined(separator: "; "),
                                   escalateAfterMinutes: strictest.0.escalateAfterMinutes)
    }
}

/// Four-eyes and role checks for one approval decision.
public enum ApprovalCheck {
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case ownRequest
        case role(needed: Role, has: Role)

        public var description: String {
            switch self {
            case .ownRequest: "four-eyes rule: whoever requested an action cannot approve or reject it"
            case .role(let needed, let has): "this approval needs a \(needed.rawValue) (or higher); \(has.rawValue) cannot decide it"
            }
        }
    }

    public static func check(decider: Principal, requesterId: String, requirement: Role) throws(Refusal) {
        if decider.id == requesterId { throw .ownRequest }
        guard decider.role.canApprove(requirement) else { throw .role(needed: requirement, has: decider.role) }
    }
}
