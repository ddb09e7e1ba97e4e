import ClearwayCore
import ClearwayIntelligence
import ClearwayStore
import Foundation
import Synchronization

/// An open exception with its probability of breaching its SLA.
public struct ExceptionRisk: Sendable {
    public var fact: ExceptionFact
    public var snapshot: RiskSnapshot
    public var probability: Double
}

/// A breach-risk version: the model, what it learnt from and how it measured, and which
/// stored version it is (0 for a fit not stored).
public struct BreachRiskFit: Sendable {
    public var version: Int
    public var model: BreachHazardModel
    public var card: BreachRiskCard
    public var exceptions: Int { card.exceptions }
    /// Slices of exceptions' time to due the model learnt from (open work included).
    public var slices: Int { card.slices }
    /// Measured as used: at six moments over the last fifth of the record, trained on
    /// what was known then, scored on the work open inside its SLA.
    public var heldOut: BreachRiskCard.Measured { card.heldOut }
}

/// The version in service, and when the store was last asked about it.
final class BreachRiskCache: Sendable {
    let fit = Mutex<BreachRiskFit?>(nil)
    let lastChecked = Mutex<ContinuousClock.Instant?>(nil)
    /// When (engine clock, milliseconds) the record last had too little history to train on.
    let lastTooLittle = Mutex<Int64?>(nil)
    let problem = Mutex<String?>(nil)
}

extension ClearwayEngine {
    /// The history the model learns from: exceptions opened in the last 180 days.
    static let riskHistoryDays: Int64 = 180

    /// Scores every open exception with the version in service, most likely to breach
    /// first. Nil while no version serves (too little history so far, or none passed the
    /// policy's gate and no one promoted one by hand).
    public func breachRisks(limit: Int = 200, by principal: Principal) async throws -> (fit: BreachRiskFit, risks: [ExceptionRisk])? {
        try authorize(principal, .readCases)
        guard let fit = breachRiskCache.fit.withLock({ $0 }) else { return nil }
        let now = clock.now()
        let facts = try await riskFacts(now: now)
        let history = RiskHistory(facts)
        let risks = facts.filter { !$0.isClosed }.map { f -> ExceptionRisk in
            let s = history.snapshot(f, at: now.millis)
            return ExceptionRisk(fact: f, snapshot: s, probability: fit.model.probability(s))
        }
        return (fit, Array(risks.sorted { ($0.probability, $0.fact.exceptionId) > ($1.probability, $1.fact.exceptionId) }.prefix(limit)))
    }

    func riskFacts(now: Instant) async throws -> [ExceptionFact] {
        try await queries.exceptionFacts(from: Instant(millis: now.millis - Self.riskHistoryDays * 86_400_000), to: Instant(millis: now.millis + 86_400_000))
    }

    /// The breach-risk model for the priority score, from the last fit (never trained inside
    /// a transaction); nil when no site weighs breach risk or no fit exists yet.
    func breachRiskScorer(policy: Policy) -> (@Sendable (BreachRiskQuestion) -> Double)? {
        guard ([policy.global] + Array(policy.sites.values)).contains(where: { $0.priority.breachRisk > 0 }),
              let fit = breachRiskCache.fit.withLock({ $0 }) else { return nil }
        let model = fit.model
        return { q in
            model.probability(RiskSnapshot.at(q.now.millis, type: q.type.rawValue, queue: q.queue, tier: q.tier.rawValue, site: q.site,
                                              openedAt: q.openedAt.millis, dueAt: q.dueAt.millis, queueLoad: q.queueLoad,
                                              moneyAtRisk: q.moneyAtRisk.doubleValue))
        }
    }

    /// A decision under `policy` at `now`, with the breach-risk model and the queues' loads
    /// when the policy weighs breach risk.
    func decision(actor: String, trigger: String, tx: StoreTransaction, policy: Policy, now: Instant) async throws -> CaseDecision {
        var decision = CaseDecision(policy: policy, stamp: stamp(actor, policy: policy, now: now), trigger: trigger)
        if let scorer = breachRiskScorer(policy: policy) {
            decision.breachRisk = scorer
            decision.queueLoads = try await tx.openExceptionCounts(queues: policy.queues)
        }
        return decision
    }

    /// A fit from the record as it stands at `now`; nil with too little history (fewer than
    /// 50 slices, no closing or none left open among them, or no open work with a known
    /// outcome to measure it on).
    static func fitBreachRisk(_ facts: [ExceptionFact], now: Instant) -> BreachRiskFit? {
        let history = RiskHistory(facts)
        let slices = history.slices(facts, now: now.millis)
        let closings = slices.filter(\.closed).count
        guard slices.count >= 50, closings > 0, closings < slices.count,
              let heldOut = BreachHazardModel.heldOut(facts, end: now.millis) else { return nil }
        let model = BreachHazardModel.train(slices)
        let card = BreachRiskCard(intervals: BreachHazardModel.intervals, exceptions: facts.count, slices: slices.count,
                                  historyDays: Int(riskHistoryDays), trainedAt: now.millis, heldOut: heldOut, features: model.features)
        return BreachRiskFit(version: 0, model: model, card: card)
    }
}
