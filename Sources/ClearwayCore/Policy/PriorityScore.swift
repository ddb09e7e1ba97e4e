import Foundation

/// A priority score (0–100) with the parts it was built from, so anyone can see why a case
/// sits where it does in a queue.
///
///     score = 100 × Σ(weightᵢ × partᵢ) / Σ weightᵢ
///     money  = min(1, log10(1 + moneyAtRisk) / log10(1 + moneyCeiling))
///     age    = min(1, business time elapsed / SLA target)
///     tier   = tierScores[customer tier]
///     fulfilmentDependency = the exception type's dependency in policy (0…1)
///     breachRisk = the breach-risk model's probability (only with a weight above 0)
///
/// Rungs of the escalation ladder may raise the score by points (`raisePriority`); their
/// sum is the `escalation` part, added after the weighted parts, the score capped at 100:
///
///     score = min(100, weighted score + escalation points)
public struct PriorityScore: Sendable, Codable, Hashable {
    public struct Part: Sendable, Codable, Hashable {
        public var name: String
        public var value: Double
        public var weight: Double
        public var contribution: Double
    }

    public var score: Double
    public var parts: [Part]

    public init(score: Double, parts: [Part]) { self.score = score; self.parts = parts }

    public static func compute(moneyAtRisk: Money, slaConsumed: Double, tier: CustomerTier,
                               fulfilmentDependency: Double, breachRisk: Double? = nil, escalationBoost: Double = 0,
                               weights: PriorityWeights) -> PriorityScore {
        let money = min(1, log10(1 + max(0, moneyAtRisk.doubleValue)) / log10(1 + max(1, weights.moneyCeiling)))
        var raw: [(String, Double, Double)] = [
            ("moneyAtRisk", money, weights.moneyAtRisk),
            ("age", min(1, max(0, slaConsumed)), weights.age),
            ("customerTier", weights.tierScores[tier] ?? 0, weights.customerTier),
            ("fulfilmentDependency", min(1, max(0, fulfilmentDependency)), weights.fulfilmentDependency),
        ]
        if weights.breachRisk > 0 { raw.append(("breachRisk", min(1, max(0, breachRisk ?? 0)), weights.breachRisk)) }
        let total = raw.reduce(0) { $0 + $1.2 }
        let parts = raw.map { name, value, weight in
            Part(name: name, value: round4(value), weight: weight, contribution: round4(total > 0 ? 100 * weight * value / total : 0))
        }
        let weighted = parts.reduce(0) { $0 + $1.contribution }
        guard escalationBoost > 0 else { return PriorityScore(score: round4(weighted), parts: parts) }
        let boost = min(escalationBoost, max(0, 100 - weighted))
        let escalation = Part(name: "escalation", value: round4(escalationBoost), weight: 0, contribution: round4(boost))
        return PriorityScore(score: round4(weighted + boost), parts: parts + [escalation])
    }

    static func round4(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }
}

/// The SLA clock of one exception: when it started, when it is at risk and when it breaches.
public struct SLAClock: Sendable, Codable, Hashable {
    public var startedAt: Instant
    public var atRiskAt: Instant
    public var dueAt: Instant
    public var targetMinutes: Double
    public var calendar: String
    /// Business minutes the clock stood still in closed pauses (see `SLAPause.swift`).
    public var pausedMinutes: Double = 0
    /// Set while the clock is paused: since when, and whose move it is.
    public var pausedAt: Instant?
    public var pausedOn: WaitingParty?
    /// The most business minutes the clock may stand still in all, as the policy said when
    /// it last paused (nil: no limit).
    public var maxPausedMinutes: Double?

    public init(startedAt: Instant, atRiskAt: Instant, dueAt: Instant, targetMinutes: Double, calendar: String) {
        self.startedAt = startedAt; self.atRiskAt = atRiskAt; self.dueAt = dueAt
        self.targetMinutes = targetMinutes; self.calendar = calendar
    }

    private enum Keys: String, CodingKey {
        case startedAt, atRiskAt, dueAt, targetMinutes, calendar, pausedMinutes, pausedAt, pausedOn, maxPausedMinutes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        startedAt = try c.decode(Instant.self, forKey: .startedAt)
        atRiskAt = try c.decode(Instant.self, forKey: .atRiskAt)
        dueAt = try c.decode(Instant.self, forKey: .dueAt)
        targetMinutes = try c.decode(Double.self, forKey: .targetMinutes)
        calendar = try c.decode(String.self, forKey: .calendar)
        pausedMinutes = try c.decodeIfPresent(Double.self, forKey: .pausedMinutes) ?? 0
        pausedAt = try c.decodeIfPresent(Instant.self, forKey: .pausedAt)
        pausedOn = try c.decodeIfPresent(WaitingParty.self, forKey: .pausedOn)
        maxPausedMinutes = try c.decodeIfPresent(Double.self, forKey: .maxPausedMinutes)
    }

    /// Clocks that never paused are stored as before pauses existed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(atRiskAt, forKey: .atRiskAt)
        try c.encode(dueAt, forKey: .dueAt)
        try c.encode(targetMinutes, forKey: .targetMinutes)
        try c.encode(calendar, forKey: .calendar)
        if pausedMinutes != 0 { try c.encode(pausedMinutes, forKey: .pausedMinutes) }
        try c.encodeIfPresent(pausedAt, forKey: .pausedAt)
        try c.encodeIfPresent(pausedOn, forKey: .pausedOn)
        try c.encodeIfPresent(maxPausedMinutes, forKey: .maxPausedMinutes)
    }

    public static func start(at start: Instant, rule: ExceptionRule, tier: CustomerTier, calendar: BusinessCalendar) -> SLAClock {
        let target = rule.slaMinutes[tier] ?? 960
        return SLAClock(
            startedAt: start,
            atRiskAt: calendar.adding(businessMinutes: target * rule.atRiskFraction, to: start),
            dueAt: calendar.adding(businessMinutes: target, to: start),
            targetMinutes: target, calendar: calendar.name)
    }

    /// Fraction of the SLA used up at `now`, net of pauses (can exceed 1 after breach).
    public func consumed(at now: Instant, calendar: BusinessCalendar) -> Double {
        guard targetMinutes > 0 else { return 1 }
        return used(at: now, calendar: calendar) / targetMinutes
    }

    /// How far the clock has run at `now`. A clock paused without a limit stands still.
    public func status(at now: Instant) -> EscalationLevel {
        let at = if let pausedAt, maxPausedMinutes == nil { min(now, pausedAt) } else { now }
        return at >= dueAt ? .breached : at >= atRiskAt ? .atRisk : .none
    }
}
