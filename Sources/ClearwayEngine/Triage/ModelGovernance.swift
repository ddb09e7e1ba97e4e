import ClearwayCore
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// A stored model version as people review it: who made it from what, how it measured,
/// and when it served.
public struct ModelCard: Sendable {
    public var stored: StoredModelVersion
    public var metadata: ModelMetadata
    public var labels: [String]
    /// Promotions and rollbacks that named this version.
    public var serving: [ModelServingChange]
    public var isServing: Bool
    /// Why it falls short of the policy's quality gate (empty: it passes).
    public var belowGate: [String]
}

extension StoredModelVersion {
    /// What the stored model says about itself (training summary, metrics, profile); nil
    /// when the stored summary cannot be read.
    public var metadata: ModelMetadata? { try? JSONDecoder().decode(ModelMetadata.self, from: Data(summary.utf8)) }
}

extension ClearwayEngine {
    /// Brings the version the store says serves into memory (at start, after a change here,
    /// and periodically for changes made on other nodes). A damaged or missing file leaves
    /// the rules deciding, with the reason shown as a health warning.
    public func loadServingModel() async {
        let kind = MessageReader.kind
        let history: [ModelServingChange]
        do { history = try await queries.servingHistory(kind: kind) } catch {
            logger.warning("model store unreadable; keeping the model in memory", metadata: ["error": "\(error)"])
            return
        }
        guard let version = ModelServingChange.stack(history).last else {
            if messageReader.serving != nil { logger.notice("no model serves now; customer messages are read by rules") }
            messageReader.install(nil, problem: nil)
            return
        }
        if messageReader.serving?.version == version { return }
        do {
            guard let text = try await queries.modelArtefact(kind: kind, version: version) else {
                throw ModelArtefactError.damaged("version \(version) has no stored file")
            }
            guard let data = Data(base64Encoded: text) else { throw ModelArtefactError.damaged("the stored file is not valid base64") }
            let (classifier, metadata) = try ModelArtefact.decode(Array(data))
            messageReader.install(.init(version: version, classifier: classifier, metadata: metadata), problem: nil)
            logger.info("message classifier in service", metadata: ["model.version": "\(version)", "model.labels": "\(classifier.labels.count)"])
        } catch {
            let problem = "\(kind)@\(version) cannot be used (\(error)); customer messages are read by rules"
            // Logged once per problem, not on every periodic re-read.
            if messageReader.health.problem != problem {
                logger.error("message classifier unavailable", metadata: ["model.version": "\(version)", "error": "\(error)"])
            }
            messageReader.install(nil, problem: problem)
        }
    }


    /// Stores a trained model file as the next version (not yet serving).
    public func registerModel(_ bytes: [UInt8], by principal: Principal) async throws -> StoredModelVersion {
        try authorize(principal, .manageModels)
        let metadata: ModelMetadata
        do { (_, metadata) = try ModelArtefact.decode(bytes) } catch {
            throw EngineError.invalid(field: "model", detail: "\(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let summary = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        let now = clock.now(), policy = self.policy, by = principal.auditName
        let artefact = Data(bytes).base64EncodedString()
        let version = try await database.transaction { tx in
            let version = try await tx.insertModelVersion(kind: MessageReader.kind, createdAt: now, createdBy: by,
                                                          dataHash: metadata.trainingDataHash, summary: summary, artefact: artefact)
            tx.audit(AuditEntry(at: now, actor: by, caseId: nil, exceptionId: nil, action: "model.registered",
                                after: "\(MessageReader.kind)@\(version)", reason: "trained on \(metadata.summary.examples) examples",
                                detail: .object(["dataHash": .string(metadata.trainingDataHash)]), policyVersion: policy.version))
            return version
        }
        return StoredModelVersion(kind: MessageReader.kind, version: version, createdAt: now, createdBy: by, dataHash: metadata.trainingDataHash, summary: summary)
    }

    /// Puts a stored version in service; audited with who did it and why.
    /// By hand, a version below the policy's quality gate (`triage.modelGate`) needs a
    /// reason; the audit row names what it falls short of.
    public func promoteModel(version: Int, by principal: Principal, reason: String?) async throws {
        try authorize(principal, .manageModels)
        try await promote(version: version, by: principal, reason: reason, belowGate: try await gateProblems(version: version))
    }

    /// Puts a version of `kind` in service; `problems` are what it falls short of under its gate.
    func promote(kind: String = MessageReader.kind, version: Int, by principal: Principal, reason: String?, belowGate problems: [String]) async throws {
        if !problems.isEmpty, reason == nil {
            throw EngineError.invalid(field: "/reason", detail: "version \(version) is below the policy's quality gate (\(problems.joined(separator: "; "))); "
                                      + "say why it should serve anyway")
        }
        let detail: JSONValue? = problems.isEmpty ? nil : .object(["belowGate": .array(problems.map(JSONValue.string))])
        try await changeServing(kind: kind, by: principal, reason: reason, detail: detail) { tx, stack in
            guard try await tx.modelVersionExists(kind: kind, version: version) else {
                throw EngineError.notFound(what: "model version", id: "\(version)")
            }
            guard stack.last != version else { throw EngineError.conflict("\(kind)@\(version) already serves") }
            return (version, .promote)
        }
    }

    /// Audits that a version stays out of service because it falls short of its gate.
    func refusePromotion(kind: String, version: Int, by principal: Principal, problems: [String]) async throws {
        let now = clock.now(), policy = self.policy, by = principal.auditName
        try await database.transaction { tx in
            tx.audit(AuditEntry(at: now, actor: by, caseId: nil, exceptionId: nil, action: "model.promotion_refused",
                                after: "\(kind)@\(version)", reason: "below the quality gate: " + problems.joined(separator: "; "),
                                detail: .object(["belowGate": .array(problems.map(JSONValue.string))]), policyVersion: policy.version))
        }
    }

    /// Puts a version in service only if it passes the policy's quality gate, as automatic
    /// promotions (the demo's) do. Returns why it falls short, empty when it now serves;
    /// a refusal is audited with the reasons, and the version stays stored for a person to
    /// review (and promote by hand, with a reason).
    public func promoteIfQualified(version: Int, by principal: Principal, reason: String) async throws -> [String] {
        try authorize(principal, .manageModels)
        let problems = try await gateProblems(version: version)
        guard problems.isEmpty else {
            try await refusePromotion(kind: MessageReader.kind, version: version, by: principal, problems: problems)
            return problems
        }
        try await promote(version: version, by: principal, reason: reason, belowGate: [])
        return []
    }

    /// Why a stored version falls short of the policy's quality gate (empty: it passes).
    public func gateProblems(version: Int) async throws -> [String] {
        guard let stored = try await queries.modelVersions(kind: MessageReader.kind).first(where: { $0.version == version }) else {
            throw EngineError.notFound(what: "model version", id: "\(version)")
        }
        guard let metadata = stored.metadata else { return ["its stored summary cannot be read"] }
        return metadata.problems(under: policy.triage.modelGate)
    }

    /// Returns to the version that served before the current one; returns it.
    @discardableResult
    public func rollbackModel(by principal: Principal, reason: String?) async throws -> Int {
        try await rollback(kind: MessageReader.kind, by: principal, reason: reason)
    }

    func rollback(kind: String, by principal: Principal, reason: String?) async throws -> Int {
        try await changeServing(kind: kind, by: principal, reason: reason) { _, stack in
            guard stack.count >= 2 else {
                throw EngineError.conflict(stack.isEmpty ? "no model serves, so there is nothing to roll back"
                                                         : "\(kind)@\(stack[0]) is the first version that served; there is none before it")
            }
            return (stack[stack.count - 2], .rollback)
        }
    }

    private func changeServing(kind: String, by principal: Principal, reason: String?, detail: JSONValue? = nil,
                               _ decide: @escaping @Sendable (StoreTransaction, [Int]) async throws -> (Int, ModelServingChange.Change)) async throws -> Int {
        try authorize(principal, .manageModels)
        let now = clock.now(), policy = self.policy, by = principal.auditName
        let version = try await database.transaction { tx in
            let history = try await tx.servingHistory(kind: kind)
            let stack = ModelServingChange.stack(history)
            let (version, change) = try await decide(tx, stack)
            try await tx.appendServingChange(kind: kind, ModelServingChange(
                seq: (history.map(\.seq).max() ?? 0) + 1, version: version, change: change, changedBy: by, changedAt: now, reason: reason))
            tx.audit(AuditEntry(at: now, actor: by, caseId: nil, exceptionId: nil, action: "model.\(change == .promote ? "promoted" : "rolled_back")",
                                before: stack.last.map { "\(kind)@\($0)" }, after: "\(kind)@\(version)",
                                reason: reason, detail: detail, policyVersion: policy.version))
            return version
        }
        await loadServing(kind: kind)
        return version
    }

    /// Brings the version of `kind` the store names into memory.
    func loadServing(kind: String) async {
        switch kind {
        case BreachRiskVersions.kind: await loadServingBreachRisk()
        default: await loadServingModel()
        }
    }

    /// The card of one version, or of the serving one when `version` is nil.
    public func modelCard(version: Int?, by principal: Principal) async throws -> ModelCard? {
        try authorize(principal, .readCases)
        let kind = MessageReader.kind
        let history = try await queries.servingHistory(kind: kind)
        let serving = ModelServingChange.stack(history).last
        guard let wanted = version ?? serving,
              let stored = try await queries.modelVersions(kind: kind).first(where: { $0.version == wanted }) else { return nil }
        guard let metadata = stored.metadata else { throw ModelArtefactError.damaged("the stored summary of version \(wanted) is not readable") }
        let labels = metadata.evaluation?.labels ?? metadata.profile.map { $0.labelShares.keys.sorted() } ?? []
        return ModelCard(stored: stored, metadata: metadata, labels: labels, serving: history.filter { $0.version == wanted }, isServing: wanted == serving,
                         belowGate: metadata.problems(under: policy.triage.modelGate))
    }

    /// How recent customer messages compare with the serving model's training data.
    public func messageDrift(days: Int = 30, limit: Int = 5_000, by principal: Principal) async throws -> TextProfile.Drift? {
        try authorize(principal, .readCases)
        guard let baseline = messageReader.serving?.metadata.profile else { return nil }
        let since = Instant(millis: clock.now().millis - Int64(days) * 86_400_000)
        let recent = try await queries.recentMessages(since: since, limit: limit).filter { $0.triage != nil }
        guard !recent.isEmpty else { return nil }
        let nearness = recent.compactMap { $0.triage?.nearness }
        return baseline.drift(of: TextProfile(texts: recent.map(\.text), predictions: recent.compactMap { $0.triage?.requestType },
                                              nearness: nearness.isEmpty ? nil : nearness))
    }
}
