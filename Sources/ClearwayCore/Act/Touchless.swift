/// Whether touchless rules act or only recommend.
public enum AutoResolutionMode: String, Sendable, Codable, CaseIterable, Hashable {
    case act
    /// Rules still propose their action, but a person executes it.
    case recommendOnly = "recommend_only"
}

/// What a touchless rule does; each derives its parameters from the exception and order.
public enum AutoAction: String, Sendable, Codable, CaseIterable, Hashable {
    /// Re-price the line at the contract price.
    case acceptContractPrice = "accept_contract_price"
    /// Take the short quantity from the DC with the most stock available.
    case reallocateFromOtherSite = "reallocate_from_other_site"
    /// Set the ERP's on-hand to what the warehouse counted.
    case postWarehouseCount = "post_warehouse_count"
}

/// One touchless rule: for one exception type, when its conditions hold and the action's
/// guardrails pass (and no approval is needed), Clearway acts without a person.
public struct AutoRule: Sendable, Hashable {
    public var id: String
    public var exceptionType: ExceptionType
    public var action: AutoAction
    public var enabled: Bool
    /// Customer tiers the rule covers; empty covers all.
    public var tiers: Set<CustomerTier>
    /// Largest price variance from contract (percent) it accepts.
    public var maxVariancePercent: Double?
    /// Variances above `maxVariancePercent` up to this are still proposed, but a pricing
    /// approver decides instead of the rule acting alone.
    public var approveUpToVariancePercent: Double?
    /// Largest ERP/WMS difference (units) it settles.
    public var maxUnits: Double?
    /// Largest order value it touches.
    public var maxOrderValue: Money?

    public init(id: String, exceptionType: ExceptionType, action: AutoAction, enabled: Bool = true, tiers: Set<CustomerTier> = [],
                maxVariancePercent: Double? = nil, approveUpToVariancePercent: Double? = nil, maxUnits: Double? = nil, maxOrderValue: Money? = nil) {
        self.id = id; self.exceptionType = exceptionType; self.action = action; self.enabled = enabled; self.tiers = tiers
        self.maxVariancePercent = maxVariancePercent; self.approveUpToVariancePercent = approveUpToVariancePercent
        self.maxUnits = maxUnits; self.maxOrderValue = maxOrderValue
    }
}

public struct AutoResolutionPolicy: Sendable, Hashable {
    public var mode: AutoResolutionMode
    public var rules: [AutoRule]

    public init(mode: AutoResolutionMode = .act, rules: [AutoRule] = []) { self.mode = mode; self.rules = rules }
}

/// A touchless rule's proposal for one exception.
public struct AutoProposal: Sendable, Hashable {
    public var ruleId: String
    public var parameters: ActionParameters
    public var reason: String
    /// An approval the rule itself asks for (a variance above its auto-accept limit).
    public var approval: ApprovalRequirement? = nil
}

/// Matches an exception against the touchless rules. Pure; the engine then runs the
/// proposal through the same guardrails and approval thresholds a person's request meets.
public enum TouchlessPlanner {
    public static func propose(type: ExceptionType, finding: Finding, tier: CustomerTier, context c: ActionContext,
                               rules: [AutoRule]) -> AutoProposal? {
        for rule in rules where rule.enabled && rule.exceptionType == type {
            if !rule.tiers.isEmpty && !rule.tiers.contains(tier) { continue }
            if let max = rule.maxOrderValue, (c.order?.total ?? .zero) > max { continue }
            if let proposal = derive(rule, finding: finding, context: c) { return proposal }
        }
        return nil
    }

    static func derive(_ rule: AutoRule, finding: Finding, context c: ActionContext) -> AutoProposal? {
        switch rule.action {
        case .acceptContractPrice:
            guard let number = lineNumber(finding.key), let line = c.line(number),
                  let contract = c.contracts[line.sku], contract.price > .zero else { return nil }
            let variance = abs(line.unitPrice.doubleValue - contract.price.doubleValue) / contract.price.doubleValue * 100
            let parameters = ActionParameters.overridePrice(line: number, unitPrice: contract.price)
            if let max = rule.maxVariancePercent, variance > max + 1e-9 {
                guard let upTo = rule.approveUpToVariancePercent, variance <= upTo + 1e-9 else { return nil }
                let why = "variance \(percentText(variance)) above the \(percentText(max)) \(rule.id) accepts alone"
                return AutoProposal(ruleId: rule.id, parameters: parameters, reason: "\(why); contract price \(contract.price) proposed",
                                    approval: ApprovalRequirement(role: .pricingApprover, rules: [rule.id], reason: why))
            }
            return AutoProposal(ruleId: rule.id, parameters: parameters,
                                reason: "variance \(percentText(variance)) within \(rule.id); contract price \(contract.price) accepted")
        case .reallocateFromOtherSite:
            guard let number = lineNumber(finding.key), let line = c.line(number), let order = c.order else { return nil }
            let short = line.quantity - (c.available(site: order.site, sku: line.sku) ?? 0)
            guard short > 0 else { return nil }
            let best = c.inventory.filter { $0.key != order.site }
                .compactMap { site, stock in stock[line.sku].map { (site, $0.available) } }
                .filter { $0.1 + 1e-9 >= short }
                .max { ($0.1, $1.0) < ($1.1, $0.0) }
            guard let (site, available) = best else { return nil }
            return AutoProposal(ruleId: rule.id, parameters: .allocateFromSite(line: number, site: site, quantity: short),
                                reason: "\(short.quantityText) short at \(order.site); \(site) has \(available.quantityText) available")
        case .postWarehouseCount:
            guard finding.key.hasPrefix("sku:"), let order = c.order else { return nil }
            let sku = String(finding.key.dropFirst(4))
            guard let position = c.inventory[order.site]?[sku] else { return nil }
            let gap = abs(position.erpOnHand - position.wmsOnHand)
            if let max = rule.maxUnits, gap > max + 1e-9 { return nil }
            return AutoProposal(ruleId: rule.id, parameters: .postWarehouseCount(sku: sku),
                                reason: "ERP and WMS differ by \(gap.quantityText) units, within \(rule.id)")
        }
    }

    static func lineNumber(_ key: String) -> Int? {
        key.hasPrefix("line:") ? Int(key.dropFirst(5)) : nil
    }
}

/// The dry run of an action: what would happen, whether it is allowed, and who must approve.
public struct ActionAssessment: Sendable, Hashable {
    public var parameters: ActionParameters
    public var checks: [GuardrailCheck]
    public var impact: ActionImpact
    public var approval: ApprovalRequirement?

    public var allowed: Bool { checks.allSatisfy(\.passed) }
    public var failedChecks: [GuardrailCheck] { checks.filter { !$0.passed } }

    public static func assess(_ p: ActionParameters, context: ActionContext, policy: ActionPolicy) -> ActionAssessment {
        let impact = Guardrails.impact(p, context: context, settings: policy.guardrails)
        return ActionAssessment(parameters: p, checks: Guardrails.check(p, context: context, settings: policy.guardrails), impact: impact,
                                approval: ApprovalRequirement.required(for: p.kind, impact: impact, rules: policy.approvals))
    }

    /// One sentence saying what would happen, for the dry run and the timeline.
    public var summary: String {
        let verdict = allowed ? "allowed" : "blocked: " + failedChecks.map(\.detail).joined(separator: "; ")
        let approvalText = approval.map { "; needs \($0.role.rawValue) approval (\($0.reason))" } ?? ""
        return "\(parameters.kind.label) — \(verdict)\(approvalText)"
    }
}
