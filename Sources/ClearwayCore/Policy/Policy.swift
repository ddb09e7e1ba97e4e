/// How one exception type is handled: who owns it and how fast it must be closed.
public struct ExceptionRule: Sendable, Hashable {
    public var queue: String
    /// Business minutes to resolve, per customer tier.
    public var slaMinutes: [CustomerTier: Double]
    /// Fraction of the SLA after which the exception is escalated as at risk.
    public var atRiskFraction: Double
    /// How much the order's fulfilment depends on this exception being cleared (0…1).
    public var fulfilmentDependency: Double
    /// When waiting pauses this type's SLA clock; nil follows the site's (or global) rule.
    public var slaPause: SLAPauseRule?
    /// This type's escalation ladder; nil follows the site's (or global) ladder.
    public var escalation: EscalationLadder?

    /// `breachQueue` is the short form of a ladder with one rung: re-route at breach.
    public init(queue: String, slaMinutes: [CustomerTier: Double], atRiskFraction: Double,
                fulfilmentDependency: Double, breachQueue: String? = nil, escalation: EscalationLadder? = nil) {
        self.queue = queue; self.slaMinutes = slaMinutes; self.atRiskFraction = atRiskFraction
        self.fulfilmentDependency = fulfilmentDependency
        self.escalation = escalation ?? breachQueue.map { EscalationLadder([EscalationRung(at: .afterBreach(minutes: 0), reassign: .queue($0))]) }
    }

    public static func builtIn(for type: ExceptionType) -> ExceptionRule {
        ExceptionRule(queue: type.defaultQueue, slaMinutes: [.strategic: 240, .key: 480, .standard: 960],
                      atRiskFraction: 0.75, fulfilmentDependency: 0.5)
    }
}

/// The weights of the priority score; see `PriorityScore` for the formula.
public struct PriorityWeights: Sendable, Hashable {
    public var moneyAtRisk: Double
    public var age: Double
    public var customerTier: Double
    public var fulfilmentDependency: Double
    /// The breach-risk model's probability; 0 leaves it out of the score.
    public var breachRisk: Double
    /// Money at risk at which the money part reaches 1 (log scale below it).
    public var moneyCeiling: Double
    public var tierScores: [CustomerTier: Double]

    public init(moneyAtRisk: Double = 0.35, age: Double = 0.25, customerTier: Double = 0.25, fulfilmentDependency: Double = 0.15,
                breachRisk: Double = 0, moneyCeiling: Double = 50_000, tierScores: [CustomerTier: Double] = [.strategic: 1, .key: 0.6, .standard: 0.3]) {
        self.moneyAtRisk = moneyAtRisk; self.age = age; self.customerTier = customerTier
        self.fulfilmentDependency = fulfilmentDependency; self.breachRisk = breachRisk; self.moneyCeiling = moneyCeiling; self.tierScores = tierScores
    }
}

/// The rules in force at one site: the global policy with that site's overrides applied.
public struct SitePolicy: Sendable, Hashable {
    public var calendar: BusinessCalendar
    public var rules: [ExceptionType: ExceptionRule]
    public var priority: PriorityWeights
    public var detection: DetectionSettings
    /// When waiting pauses an SLA clock, for types that do not say.
    public var slaPause = SLAPauseRule()
    /// The escalation ladder of types that state none of their own.
    public var escalation = EscalationLadder.none

    public init(calendar: BusinessCalendar, rules: [ExceptionType: ExceptionRule], priority: PriorityWeights, detection: DetectionSettings) {
        self.calendar = calendar; self.rules = rules; self.priority = priority; self.detection = detection
    }

    public func rule(for type: ExceptionType) -> ExceptionRule { rules[type] ?? .builtIn(for: type) }

    /// What the SLA clock of an exception of `type` follows here.
    public func sla(for type: ExceptionType) -> SLASettings {
        let rule = rule(for: type)
        return SLASettings(calendar: calendar, atRiskFraction: rule.atRiskFraction, pause: rule.slaPause ?? slaPause,
                           ladder: rule.escalation ?? escalation)
    }
}

/// A versioned policy: global rules, per-site overrides and the status maps that translate
/// each source system's codes into the canonical model.
public struct Policy: Sendable, Hashable {
    public var version: String
    public var global: SitePolicy
    public var sites: [String: SitePolicy]
    /// source → (source status code → canonical status)
    public var statusMaps: [String: [String: OrderStatus]]
    /// Guardrails, approvals, touchless rules and connectors (one set for all sites).
    public var actions: ActionPolicy
    /// Trading partners and how their EDI maps to the canonical model.
    public var edi: EDISettings
    /// How customer messages are classified and routed.
    public var triage: TriageSettings
    /// Internal hosts and address ranges connectors and webhooks may reach.
    public var outbound = OutboundPolicy()
    /// What people who have not chosen are sent beyond the console, and the digest window.
    public var notifications = NotificationSettings()
    /// How each queue's work finds its owner (pull, push or manual) and what each type weighs.
    public var routing = RoutingSettings()

    public init(version: String, global: SitePolicy, sites: [String: SitePolicy] = [:], statusMaps: [String: [String: OrderStatus]] = [:],
                actions: ActionPolicy = ActionPolicy(), edi: EDISettings = EDISettings(), triage: TriageSettings = TriageSettings()) {
        self.version = version; self.global = global; self.sites = sites; self.statusMaps = statusMaps; self.actions = actions; self.edi = edi
        self.triage = triage
    }

    public func site(_ id: String) -> SitePolicy { sites[id] ?? global }

    /// The canonical status for a source's own code; nil when the source maps it nowhere.
    public func mapStatus(source: String, code: String) -> OrderStatus? {
        if let mapped = statusMaps[source]?[code] { return mapped }
        return OrderStatus(rawValue: code)
    }

    /// Every queue the policy can route to, for queue listings.
    public var queues: [String] {
        var names = Set(ExceptionType.allCases.map(\.defaultQueue)).union(triage.requestQueues.values)
        for site in [global] + Array(sites.values) {
            names.formUnion(site.escalation.queues)
            for rule in site.rules.values {
                names.insert(rule.queue)
                names.formUnion(rule.escalation?.queues ?? [])
            }
        }
        return names.sorted()
    }
}
