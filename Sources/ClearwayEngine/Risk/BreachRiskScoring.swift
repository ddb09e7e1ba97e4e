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
    public var model: BreachRiskModel
    public var exceptions: Int
    public var snapshots: Int
    /// Trained on the earlier 80% of exceptions, tested on the latest 20%.
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
    /// than 50 snapshots with a known outcome, or no breach or no success among them).
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
        guard let fresh = Self.fitBreachRisk(history.examples(facts, now: now.millis), exceptions: facts.count, now: now) else { return nil }
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

    static func fitBreachRisk(_ examples: [RiskHistory.Example], exceptions: Int, now: Instant) -> BreachRiskFit? {
        let breaches = examples.filter(\.breached).count
        guard examples.count >= 50, breaches > 0, breaches < examples.count else { return nil }
        let opened = examples.map(\.openedAt).sorted()
        let cut = opened[min(opened.count - 1, Int(Double(opened.count) * 0.8))]
        let train = examples.filter { $0.openedAt < cut }, test = examples.filter { $0.openedAt >= cut }
        let trial = BreachRiskModel.train(train.map { ($0.snapshot, $0.breached) })
        let heldOut = BinaryReport(scores: test.map { trial.probability($0.snapshot) }, outcomes: test.map(\.breached))
        return BreachRiskFit(model: BreachRiskModel.train(examples.map { ($0.snapshot, $0.breached) }), exceptions: exceptions,
                             snapshots: examples.count, heldOut: heldOut, trainedAt: now)
    }
}
