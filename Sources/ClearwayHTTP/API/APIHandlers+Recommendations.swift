import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// Recommended next steps, people's verdicts on them, and open exceptions by breach risk.
extension APIHandlers {
    func getRecommendations(_ input: Operations.getRecommendations.Input) async throws -> Operations.getRecommendations.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let detail = try await engine.caseDetail(input.path.caseId, full: false, by: principal)
        let record = detail.record
        guard let e = detail.exceptions.first(where: { $0.id == input.path.exceptionId }) else { throw EngineError.notFound(what: "exception", id: input.path.exceptionId) }
        let recommendations = try await engine.recommendations(for: e, in: record, by: principal)
        return .ok(.init(body: .json(recommendations.map { r in
            let (verdict, reasons): (Components.Schemas.Recommendation.guardrailsPayload.verdictPayload, [String]) = switch r.guardrails {
            case .pass: (.pass, [])
            case .blocked(let why): (.blocked, why)
            case .needsDetails: (.needs_details, [])
            case .notAnAction: (.not_an_action, [])
            case .notChecked: (.not_checked, [])
            }
            let x = r.recommendation
            return .init(step: x.step, label: r.label, similar: x.similar, resolvedBy: x.resolvedBy, medianHours: x.medianHours, score: x.score,
                         evidence: x.evidence, accepted: x.accepted, rejected: x.rejected, guardrails: .init(verdict: verdict, reasons: reasons))
        })))
    }

    func recommendationFeedback(_ input: Operations.recommendationFeedback.Input) async throws -> Operations.recommendationFeedback.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        let body = switch input.body { case .json(let json): json }
        try await engine.recordRecommendationFeedback(caseId: input.path.caseId, exceptionId: input.path.exceptionId, step: body.step,
                                                      accepted: body.accepted, by: principal)
        return .ok(.init(body: .json(.init(recorded: true))))
    }

    func getBreachRisk(_ input: Operations.getBreachRisk.Input) async throws -> Operations.getBreachRisk.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let limit = input.query.limit ?? 100
        guard (1...1_000).contains(limit) else { throw Problem.invalid([FieldProblem(pointer: "/query/limit", detail: "must be between 1 and 1000")]) }
        guard let (fit, risks) = try await engine.breachRisks(limit: limit, by: principal) else { return .ok(.init(body: .json(.init(items: [])))) }
        return .ok(.init(body: .json(.init(
            model: .init(exceptions: fit.exceptions, snapshots: fit.slices, heldOutAuc: fit.heldOut.auc, heldOutBrier: fit.heldOut.brier,
                         heldOutCalibrationError: fit.heldOut.calibrationError),
            items: risks.map { r in
                .init(caseId: r.fact.caseId, exceptionId: r.fact.exceptionId, _type: r.fact.type, queue: r.fact.queue, tier: r.snapshot.tier,
                      site: r.snapshot.site, elapsed: r.snapshot.elapsed, queueLoad: r.snapshot.queueLoad, moneyAtRisk: r.snapshot.moneyAtRisk,
                      probability: r.probability)
            }))))
    }
}
