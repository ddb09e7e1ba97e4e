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

/// The breach-risk model trained on the record, how it measured, and when it was trained.
public struct BreachRiskFit: Sendable {
    public var model: BreachHazardModel
    public var exceptions: Int
    /// Slices of exceptions' time to due the model learnt from (open work included).
    public var slices: Int
    /// Measured as used: at three moments over the last fifth of the record, trained on
    /// what was known then, scored on the work open inside its SLA.
    public var heldOut: BinaryReport
    public var trainedAt: Instant
}

/// Keeps the last fit so pages do not retrain on every view.
final class BreachRiskCache: Sendable {
    let fit = Mutex<(BreachRiskFit, ContinuousClock.Instant)?>(nil)
}

extension ClearwayEngine {
    /// The history the model learns from: exceptions opened in the last 180 days.
    static let riskHistoryDays: Int64 = 180

    /// Trains (or reuses a fit younger than ten minutes) and scores every open exception,
    /// most likely to breach first. Nil while the record has too little history (fewer
    /// than 50 slices, no closing or none left open among them, or no open work with a
    /// known outcome to measure the model on).
    public func breachRisks(limit: Int = 200, by principal: Principal) async throws -> (fit: BreachRiskFit, risks: [ExceptionRisk])? {
        try authorize(principal, .readCases)
        let now = clock.now()
        let facts = try await riskFacts(now: now)
        let history = RiskHistory(facts)
        guard let fit = try await breachRiskFit(facts: facts, history: history, now: now) else { return nil }
        let risks = facts.filter { !$0.isClosed }.map { f -> ExceptionRisk in
            let s = history.snapshot(f, at: now.millis)
            return ExceptionRisk(fact: f, snapshot: s, probability: fit.model.probability(s))
        }
        return (fit, Array(risks.sorted { ($0.probability, $0.fact.exceptionId) > ($1.probability, $1.fact.exceptionId) }.prefix(limit)))
    }

    func riskFacts(now: Instant) async throws -> [ExceptionFact] {
        try await queries.exceptionFacts(from: Instant(millis: now.millis - Self.riskHistoryDays * 86_400_000), to: Instant(millis: now.millis + 86_400_000))
    }

    /// The cached fit when younger than ten minutes, else a new one from the record.
    func breachRiskFit(facts: [ExceptionFact]? = nil, history: RiskHistory? = nil, now: Instant) async throws -> BreachRiskFit? {
        if let (cached, at) = breachRiskCache.fit.withLock({ $0 }), ContinuousClock.now - at < .seconds(600) { return cached }
        let facts = if let facts { facts } else { try await riskFacts(now: now) }
        let history = history ?? RiskHistory(facts)
        guard let fresh = Self.fitBreachRisk(facts, history: history, now: now) else { return nil }
        breachRiskCache.fit.withLock { $0 = (fresh, .now) }
        return fresh
    }

    /// Keeps the fit fresh for the priority score when a policy weighs breach risk (called
    /// by the SLA timer service; trains at most every ten minutes).
    public func refreshBreachRiskIfWeighted() async {
        let policy = self.policy
        guard ([policy.global] + Array(policy.sites.values)).contains(where: { $0.priority.breachRisk > 0 }) else { return }
        do { _ = try await breachRiskFit(now: clock.now()) } catch {
            logger.warning("breach-risk model not refreshed", metadata: ["error": "\(error)"])
        }
    }

    /// The breach-risk model for the priority score, from the last fit (never trained inside
    /// a transaction); nil when no site weighs breach risk or no fit exists yet.
    func breachRiskScorer(policy: Policy) -> (@Sendable (BreachRiskQuestion) -> Double)? {
        guard ([policy.global] + Array(policy.sites.values)).contains(where: { $0.priority.breachRisk > 0 }),
              let (fit, _) = breachRiskCache.fit.withLock({ $0 }) else { return nil }
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

    static func fitBreachRisk(_ facts: [ExceptionFact], history: RiskHistory, now: Instant) -> BreachRiskFit? {
        let slices = history.slices(facts, now: now.millis)
        let closings = slices.filter(\.closed).count
        guard slices.count >= 50, closings > 0, closings < slices.count,
              let heldOut = BreachHazardModel.heldOut(facts, end: now.millis) else { return nil }
        return BreachRiskFit(model: BreachHazardModel.train(slices), exceptions: facts.count, slices: slices.count, heldOut: heldOut, trainedAt: now)
    }
}
