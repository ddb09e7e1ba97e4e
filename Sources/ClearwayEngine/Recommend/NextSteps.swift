import ClearwayCore
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// A recommended step, checked against the guardrails where it is an action.
public struct CheckedRecommendation: Sendable {
    public enum Guardrails: Sendable, Hashable {
        /// Every guardrail passes for this exception as it stands.
        case pass
        case blocked([String])
        /// The action needs details the exception does not give (a quantity, a date).
        case needsDetails
        /// Not an action in a source system (a resolution a person records).
        case notAnAction
        /// The asker may not act, so the guardrails were not consulted.
        case notChecked
    }

    public var recommendation: Recommendation
    public var actionKind: ActionKind?
    public var guardrails: Guardrails

    public var label: String {
        if let actionKind { return actionKind.label }
        return "Resolve with \(recommendation.step.dropFirst("resolution:".count).replacingOccurrences(of: "_", with: " "))"
    }
}

extension ClearwayEngine {
    /// What resolved similar exceptions fastest in the last 180 days, best first, each action
    /// checked against the guardrails for this exception (for people who may act).
    public func recommendations(for e: ExceptionRecord, in caseRecord: CaseRecord, by principal: Principal) async throws -> [CheckedRecommendation] {
        try await recommendations(for: [e], in: caseRecord, by: principal)[e.id] ?? []
    }

    /// The same for several exceptions of one case, reading each type's history once.
    public func recommendations(for exceptions: [ExceptionRecord], in caseRecord: CaseRecord, by principal: Principal) async throws -> [String: [CheckedRecommendation]] {
        var byType: [ExceptionType: (history: [ResolvedExample], feedback: [String: (accepted: Int, rejected: Int)])] = [:]
        var out: [String: [CheckedRecommendation]] = [:]
        for e in exceptions where !e.lifecycle.state.isClosed {
            if byType[e.type] == nil { byType[e.type] = (try await resolvedHistory(e.type), try await queries.recommendationFeedback(type: e.type.rawValue)) }
            guard let known = byType[e.type] else { continue }
            let ranked = NextBestAction.rank(.init(type: e.type.rawValue, customerId: caseRecord.customerId, productFamily: e.finding.productFamily,
                                                   site: caseRecord.site, gap: e.finding.moneyAtRisk.doubleValue),
                                             history: known.history, feedback: known.feedback)
            out[e.id] = try await checked(ranked, e, caseId: caseRecord.id, by: principal)
        }
        return out
    }

    /// How exceptions of a type were resolved in the last 180 days: the action the source
    /// system completed, or else the resolution code (an exception whose cause went away
    /// by itself teaches nothing to do).
    func resolvedHistory(_ type: ExceptionType) async throws -> [ResolvedExample] {
        let rows = try await queries.resolvedExceptions(type: type.rawValue, since: Instant(millis: clock.now().millis - 180 * 86_400_000), limit: 5_000)
        return rows.compactMap(ResolvedExample.init)
    }

    func checked(_ ranked: [Recommendation], _ e: ExceptionRecord, caseId: String, by principal: Principal) async throws -> [CheckedRecommendation] {
        var out: [CheckedRecommendation] = []
        for r in ranked {
            guard r.step.hasPrefix("action:"), let kind = ActionKind(rawValue: String(r.step.dropFirst("action:".count))) else {
                out.append(CheckedRecommendation(recommendation: r, actionKind: nil, guardrails: .notAnAction))
                continue
            }
            out.append(CheckedRecommendation(recommendation: r, actionKind: kind, guardrails: try await check(kind, e, caseId: caseId, by: principal)))
        }
        return out
    }

    /// The guardrails' verdict on an action for this exception, with what its evidence gives.
    func check(_ kind: ActionKind, _ e: ExceptionRecord, caseId: String, by principal: Principal) async throws -> CheckedRecommendation.Guardrails {
        guard principal.role.allows(.workExceptions) else { return .notChecked }
        var given: [String: JSONValue] = [:]
        if e.finding.key.hasPrefix("line:"), let line = Double(e.finding.key.dropFirst(5)) { given["line"] = .number(line) }
        if let sku = e.finding.sku { given["sku"] = .string(sku) }
        if let price = e.finding.evidence.first(where: { $0.label == "unit price" })?.expected.flatMap(Double.init) { given["unitPrice"] = .number(price) }
        guard let parameters = try? ActionParameters.parse(kind: kind, .object(given)) else { return .needsDetails }
        let assessment = try await assessAction(caseId: caseId, exceptionId: e.id, parameters: parameters, by: principal)
        return assessment.allowed ? .pass : .blocked(assessment.failedChecks.map(\.detail))
    }

    /// A person's verdict on a recommended step; later rankings for the type weigh it.
    public func recordRecommendationFeedback(caseId: String, exceptionId: String, step: String, accepted: Bool, by principal: Principal) async throws {
        guard principal.role.allows(.workExceptions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot work exceptions") }
        guard step.count <= 120, step.hasPrefix("action:") || step.hasPrefix("resolution:") else {
            throw EngineError.invalid(field: "/step", detail: "must be a recommended step (action:KIND or resolution:CODE)")
        }
        let now = clock.now(), policy = self.policy, id = ids.next("FB")
        try await database.transaction { tx in
            guard let e = try await tx.exception(exceptionId), e.caseId == caseId else { throw EngineError.notFound(what: "exception", id: exceptionId) }
            try await tx.insertRecommendationFeedback(id: id, exceptionId: exceptionId, type: e.type.rawValue, step: step, accepted: accepted,
                                                      by: principal.auditName, at: now)
            tx.audit(AuditEntry(at: now, actor: principal.auditName, caseId: caseId, exceptionId: exceptionId,
                                action: accepted ? "recommendation.accepted" : "recommendation.rejected", after: step, policyVersion: policy.version))
        }
    }
}
