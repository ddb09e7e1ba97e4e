import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// The message classifier: its health and versions, promotion and rollback, and people's
/// corrections of how a message was read.
extension APIHandlers {
    func getClassifier(_ input: Operations.getClassifier.Input) async throws -> Operations.getClassifier.Output {
        let principal = try RequestPrincipal.require(.readCases)
        return .ok(.init(body: .json(try await classifierStatus(by: principal))))
    }

    func promoteClassifier(_ input: Operations.promoteClassifier.Input) async throws -> Operations.promoteClassifier.Output {
        let principal = try RequestPrincipal.require(.manageModels)
        let body = switch input.body { case .json(let json): json }
        try await engine.promoteModel(version: body.version, by: principal, reason: body.reason.flatMap(Self.nonBlank))
        return .ok(.init(body: .json(try await classifierStatus(by: principal))))
    }

    func rollbackClassifier(_ input: Operations.rollbackClassifier.Input) async throws -> Operations.rollbackClassifier.Output {
        let principal = try RequestPrincipal.require(.manageModels)
        let body = switch input.body { case .json(let json): json }
        try await engine.rollbackModel(by: principal, reason: body.reason.flatMap(Self.nonBlank))
        return .ok(.init(body: .json(try await classifierStatus(by: principal))))
    }

    func correctRequestType(_ input: Operations.correctRequestType.Input) async throws -> Operations.correctRequestType.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        let body = switch input.body { case .json(let json): json }
        let (caseRecord, record) = try await engine.correctRequestType(caseId: input.path.caseId, exceptionId: input.path.exceptionId,
                                                                       requestType: body.requestType, reason: body.reason, by: principal)
        return .ok(.init(body: .json(ContractMapping.detail(record, policy: engine.policy, site: caseRecord.site, now: engine.clock.now()))))
    }

    static func nonBlank(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    func classifierStatus(by principal: Principal) async throws -> Components.Schemas.ClassifierStatus {
        let health = engine.messageReader.health
        let (versions, history) = try await engine.modelVersions(kind: MessageReader.kind, by: principal)
        let drift = try await engine.messageDrift(by: principal)
        return .init(
            serving: health.version, problem: health.problem, decidedByModel: health.decidedByModel, decidedByRules: health.decidedByRules,
            modelFailures: health.modelFailures, confidenceThreshold: engine.policy.triage.confidenceThreshold,
            reading: health.reading.flatMap { .init(rawValue: $0.rawValue) }, encoder: health.encoder, encoderProblem: health.encoderProblem,
            versions: versions.map { v in
                let metadata = v.metadata
                let below = metadata?.problems(under: engine.policy.triage.modelGate) ?? []
                return .init(version: v.version, createdAt: v.createdAt.date, createdBy: v.createdBy, dataHash: v.dataHash,
                             examples: metadata?.summary.examples ?? 0, accuracy: metadata?.evaluation?.accuracy, macroF1: metadata?.evaluation?.macroF1,
                             sentenceEncoder: metadata?.sentence?.encoder, wordsOnlyMacroF1: metadata?.wordsOnlyEvaluation?.macroF1,
                             belowGate: below.isEmpty ? nil : below)
            },
            history: history.map { .init(version: $0.version, change: .init(rawValue: $0.change.rawValue) ?? .promote, changedBy: $0.changedBy,
                                         changedAt: $0.changedAt.date, reason: $0.reason) },
            drift: drift.map { .init(inputStability: $0.inputStability, predictionStability: $0.predictionStability, recent: $0.recent,
                                     meaningStability: $0.meaningStability, meaningRecent: $0.meaningRecent) })
    }
}
