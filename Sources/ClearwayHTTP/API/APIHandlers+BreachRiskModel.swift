import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// The SLA breach-risk model's versions: training, promotion and rollback.
extension APIHandlers {
    func getBreachRiskModel(_ input: Operations.getBreachRiskModel.Input) async throws -> Operations.getBreachRiskModel.Output {
        let principal = try RequestPrincipal.require(.readCases)
        return .ok(.init(body: .json(try await breachRiskStatus(by: principal))))
    }

    func trainBreachRiskModel(_ input: Operations.trainBreachRiskModel.Input) async throws -> Operations.trainBreachRiskModel.Output {
        let principal = try RequestPrincipal.require(.manageModels)
        let body = switch input.body { case .json(let json): json }
        _ = try await engine.trainBreachRisk(by: principal, promote: body.promote ?? true,
                                             reason: body.reason.flatMap(Self.nonBlank) ?? "trained on request")
        return .ok(.init(body: .json(try await breachRiskStatus(by: principal))))
    }

    func promoteBreachRiskModel(_ input: Operations.promoteBreachRiskModel.Input) async throws -> Operations.promoteBreachRiskModel.Output {
        let principal = try RequestPrincipal.require(.manageModels)
        let body = switch input.body { case .json(let json): json }
        try await engine.promoteBreachRisk(version: body.version, by: principal, reason: body.reason.flatMap(Self.nonBlank))
        return .ok(.init(body: .json(try await breachRiskStatus(by: principal))))
    }

    func rollbackBreachRiskModel(_ input: Operations.rollbackBreachRiskModel.Input) async throws -> Operations.rollbackBreachRiskModel.Output {
        let principal = try RequestPrincipal.require(.manageModels)
        let body = switch input.body { case .json(let json): json }
        try await engine.rollbackBreachRisk(by: principal, reason: body.reason.flatMap(Self.nonBlank))
        return .ok(.init(body: .json(try await breachRiskStatus(by: principal))))
    }

    func breachRiskStatus(by principal: Principal) async throws -> Components.Schemas.BreachRiskModelStatus {
        let status = try await engine.breachRiskModels(by: principal)
        let gate = engine.policy.triage.riskGate
        return .init(
            serving: status.serving, problem: status.problem,
            gate: .init(minAuc: gate.minAUC, maxCalibrationError: gate.maxCalibrationError, minMeasured: gate.minMeasured),
            versions: status.versions.map { v in
                let card = v.stored.breachRiskCard
                return .init(version: v.stored.version, createdAt: v.stored.createdAt.date, createdBy: v.stored.createdBy, dataHash: v.stored.dataHash,
                             formulation: card?.formulation, exceptions: card?.exceptions, slices: card?.slices, measured: card?.heldOut.n,
                             heldOutAuc: card?.heldOut.auc, heldOutBrier: card?.heldOut.brier, heldOutCalibrationError: card?.heldOut.calibrationError,
                             belowGate: v.belowGate.isEmpty ? nil : v.belowGate)
            },
            history: status.history.map { .init(version: $0.version, change: .init(rawValue: $0.change.rawValue) ?? .promote, changedBy: $0.changedBy,
                                                changedAt: $0.changedAt.date, reason: $0.reason) })
    }
}
