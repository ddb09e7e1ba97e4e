import ClearwayCore
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// The breach-risk model's stored versions.
public enum BreachRiskVersions {
    public static let kind = "breach-risk"
    /// The daily retraining's actor in the audit log.
    public static let retrainer = Principal(id: "system:breach-risk", name: "Daily breach-risk retraining", role: .admin)
    /// How old the newest version may be before the retraining makes another.
    public static let maxAge: Int64 = 86_400_000
}

/// A version just trained: stored, and in service or not (with why not).
public struct BreachRiskTraining: Sendable {
    public var stored: StoredModelVersion
    public var card: BreachRiskCard
    public var belowGate: [String]
    public var serving: Bool
}

extension StoredModelVersion {
    /// The card a breach-risk version was stored with; nil when its summary cannot be read.
    public var breachRiskCard: BreachRiskCard? { try? JSONDecoder().decode(BreachRiskCard.self, from: Data(summary.utf8)) }
}

extension ClearwayEngine {
    /// Trains a version from the record as it stands (outside any transaction), stores it,
    /// and with `promote` puts it in service if it passes the policy's gate (a refusal is
    /// audited and the version stays stored for a person to review).
    public func trainBreachRisk(by principal: Principal, promote: Bool, reason: String) async throws -> BreachRiskTraining {
        try authorize(principal, .manageModels)
        let now = clock.now()
        guard let fit = Self.fitBreachRisk(try await riskFacts(now: now), now: now) else {
            throw EngineError.conflict("the record has too little history for a breach-risk model yet: it needs at least 50 slices of exceptions' "
                                       + "time to due with closings and breaches among them, and open work with a known outcome to measure it on")
        }
        let artefact = try BreachRiskArtefact(model: fit.model, card: fit.card).encoded()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let summary = String(decoding: try encoder.encode(fit.card), as: UTF8.self)
        let dataHash = Hex.sha256(artefact)
        let policy = self.policy, by = principal.auditName, kind = BreachRiskVersions.kind
        let version = try await database.transaction { tx in
            let version = try await tx.insertModelVersion(kind: kind, createdAt: now, createdBy: by, dataHash: dataHash, summary: summary,
                                                          artefact: artefact.base64EncodedString())
            tx.audit(AuditEntry(at: now, actor: by, caseId: nil, exceptionId: nil, action: "model.registered", after: "\(kind)@\(version)",
                                reason: reason, detail: .object(["exceptions": .number(Double(fit.card.exceptions)), "slices": .number(Double(fit.card.slices))]),
                                policyVersion: policy.version))
            return version
        }
        let stored = StoredModelVersion(kind: kind, version: version, createdAt: now, createdBy: by, dataHash: dataHash, summary: summary)
        let problems = riskGateProblems(fit.card)
        guard promote else { return BreachRiskTraining(stored: stored, card: fit.card, belowGate: problems, serving: false) }
        guard problems.isEmpty else {
            try await refusePromotion(kind: kind, version: version, by: principal, problems: problems)
            return BreachRiskTraining(stored: stored, card: fit.card, belowGate: problems, serving: false)
        }
        try await self.promote(kind: kind, version: version, by: principal, reason: reason, belowGate: [])
        return BreachRiskTraining(stored: stored, card: fit.card, belowGate: [], serving: true)
    }

    func riskGateProblems(_ card: BreachRiskCard) -> [String] {
        policy.triage.riskGate.problems(auc: card.heldOut.auc, calibrationError: card.heldOut.calibrationError, measured: card.heldOut.n)
    }

    /// Why a stored version falls short of the policy's gate (empty: it passes).
    public func breachRiskGateProblems(version: Int) async throws -> [String] {
        guard let stored = try await queries.modelVersions(kind: BreachRiskVersions.kind).first(where: { $0.version == version }) else {
            throw EngineError.notFound(what: "breach-risk version", id: "\(version)")
        }
        guard let card = stored.breachRiskCard else { return ["its stored card cannot be read"] }
        return riskGateProblems(card)
    }

    /// Puts a stored version in service; below the gate it needs a reason (audited with
    /// what it falls short of).
    public func promoteBreachRisk(version: Int, by principal: Principal, reason: String?) async throws {
        try authorize(principal, .manageModels)
        try await promote(kind: BreachRiskVersions.kind, version: version, by: principal, reason: reason,
                          belowGate: try await breachRiskGateProblems(version: version))
    }

    /// Returns to the version that served before the current one; returns it.
    @discardableResult
    public func rollbackBreachRisk(by principal: Principal, reason: String?) async throws -> Int {
        try await rollback(kind: BreachRiskVersions.kind, by: principal, reason: reason)
    }

    /// Brings the version the store says serves into memory (after a change, and from the
    /// SLA timer service for changes made on other nodes); a damaged one leaves none
    /// serving, with the reason logged once.
    public func loadServingBreachRisk() async {
        let kind = BreachRiskVersions.kind
        let version: Int?
        do { version = ModelServingChange.stack(try await queries.servingHistory(kind: kind)).last } catch {
            logger.warning("model store unreadable; keeping the breach-risk model in memory", metadata: ["error": "\(error)"])
            return
        }
        guard let version else { return breachRiskCache.fit.withLock { $0 = nil } }
        if breachRiskCache.fit.withLock({ $0?.version }) == version { return }
        do {
            guard let text = try await queries.modelArtefact(kind: kind, version: version), let data = Data(base64Encoded: text) else {
                throw ModelArtefactError.damaged("version \(version) has no readable stored file")
            }
            let (model, card) = try BreachRiskArtefact.decode(data)
            breachRiskCache.fit.withLock { $0 = BreachRiskFit(version: version, model: model, card: card) }
            breachRiskCache.problem.withLock { $0 = nil }
            logger.info("breach-risk model in service", metadata: ["model.version": "\(version)"])
        } catch {
            let problem = "\(kind)@\(version) cannot be used (\(error))"
            if breachRiskCache.problem.withLock({ $0 }) != problem { logger.error("breach-risk model unavailable", metadata: ["error": "\(problem)"]) }
            breachRiskCache.problem.withLock { $0 = problem }
            breachRiskCache.fit.withLock { $0 = nil }
        }
    }

    /// Called by the SLA timer service on every pass; at most once a minute it picks up a
    /// version promoted elsewhere and, when the newest stored version is a day old (or
    /// there is none), trains the next, which serves if it passes the policy's gate. A record
    /// with too little history is looked at again an hour later, not every minute.
    public func refreshBreachRisk() async {
        let due = breachRiskCache.lastChecked.withLock { last -> Bool in
            if let last, ContinuousClock.now - last < .seconds(60) { return false }
            last = .now
            return true
        }
        guard due else { return }
        await loadServingBreachRisk()
        do {
            let newest = try await queries.modelVersions(kind: BreachRiskVersions.kind).first
            let now = clock.now().millis
            if let newest, now - newest.createdAt.millis < BreachRiskVersions.maxAge { return }
            if let refused = breachRiskCache.lastTooLittle.withLock({ $0 }), now - refused < 3_600_000 { return }
            let trained = try await trainBreachRisk(by: BreachRiskVersions.retrainer, promote: true, reason: "daily retraining on the last 180 days")
            logger.info("breach-risk model retrained", metadata: ["model.version": "\(trained.stored.version)", "model.serving": "\(trained.serving)"])
        } catch EngineError.conflict(let why) {
            breachRiskCache.lastTooLittle.withLock { $0 = clock.now().millis }
            logger.debug("breach-risk model not trained", metadata: ["reason": "\(why)"])
        } catch {
            logger.warning("breach-risk model not retrained", metadata: ["error": "\(error)"])
        }
    }
}

/// The breach-risk model's versions as people review them.
public struct BreachRiskModels: Sendable {
    public struct Version: Sendable {
        public var stored: StoredModelVersion
        /// Why it falls short of the policy's gate (empty: it passes).
        public var belowGate: [String]
    }
    /// The version in memory on this node, and why the stored one cannot serve if so.
    public var serving: Int?
    public var problem: String?
    /// Newest first.
    public var versions: [Version]
    public var history: [ModelServingChange]
}

extension ClearwayEngine {
    public func breachRiskModels(by principal: Principal) async throws -> BreachRiskModels {
        let (versions, history) = try await modelVersions(kind: BreachRiskVersions.kind, by: principal)
        return BreachRiskModels(
            serving: breachRiskCache.fit.withLock { $0?.version }, problem: breachRiskCache.problem.withLock { $0 },
            versions: versions.map { v in .init(stored: v, belowGate: v.breachRiskCard.map(riskGateProblems) ?? ["its stored card cannot be read"]) },
            history: history)
    }
}
