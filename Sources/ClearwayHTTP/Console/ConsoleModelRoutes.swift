import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// Console routes for the models: the Models page, promotion and rollback (admins), a
/// person's correction of how a message was read, and open exceptions by breach risk.
extension ConsoleRoutes {
    func registerModels(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/models", .permission(.readCases)) { request, _, session, _ in
            let health = engine.messageReader.health
            let (versions, history) = try await engine.modelVersions(kind: MessageReader.kind, by: session.user.principal)
            return ConsoleHTTP.html(TriageViews.page(
                health: health, threshold: engine.policy.triage.confidenceThreshold, gate: engine.policy.triage.modelGate, versions: versions,
                history: history, card: try await engine.modelCard(version: health.version, by: session.user.principal),
                drift: try await engine.messageDrift(by: session.user.principal), session: session, notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .get, "/console/at-risk", .permission(.readCases)) { request, _, session, _ in
            let who = session.user.principal
            return ConsoleHTTP.html(AtRiskView.page(result: try await engine.breachRisks(by: who), models: try await engine.breachRiskModels(by: who),
                                                    gate: engine.policy.triage.riskGate, session: session,
                                                    notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .post, "/console/at-risk/train", .permission(.manageModels)) { request, _, session, _ in
            let trained = try await engine.trainBreachRisk(by: session.user.principal, promote: true, reason: "trained from the console")
            let outcome = trained.serving ? "it serves now" : "it is stored but not serving: below the gate (\(trained.belowGate.joined(separator: "; ")))"
            return ConsoleHTTP.redirect("/console/at-risk" + ConsoleHTTP.done("Version \(trained.stored.version) trained; \(outcome)", session))
        }
        route(router, .post, "/console/at-risk/promote", .permission(.manageModels)) { request, _, session, form in
            guard let version = Int(form["version"]?.first ?? "") else { throw ConsoleFailure.badRequest("Choose a version to put in service.") }
            try await engine.promoteBreachRisk(version: version, by: session.user.principal, reason: form["reason"]?.first.flatMap(APIHandlers.nonBlank))
            return ConsoleHTTP.redirect("/console/at-risk" + ConsoleHTTP.done("Version \(version) serves now", session))
        }
        route(router, .post, "/console/at-risk/rollback", .permission(.manageModels)) { request, _, session, form in
            let version = try await engine.rollbackBreachRisk(by: session.user.principal, reason: form["reason"]?.first.flatMap(APIHandlers.nonBlank))
            return ConsoleHTTP.redirect("/console/at-risk" + ConsoleHTTP.done("Rolled back: version \(version) serves now", session))
        }
        route(router, .post, "/console/models/promote", .permission(.manageModels)) { request, _, session, form in
            guard let version = Int(form["version"]?.first ?? "") else { throw ConsoleFailure.badRequest("Choose a version to put in service.") }
            try await engine.promoteModel(version: version, by: session.user.principal, reason: form["reason"]?.first.flatMap(APIHandlers.nonBlank))
            return ConsoleHTTP.redirect("/console/models" + ConsoleHTTP.done("Version \(version) serves now", session))
        }
        route(router, .post, "/console/models/rollback", .permission(.manageModels)) { request, _, session, form in
            let version = try await engine.rollbackModel(by: session.user.principal, reason: form["reason"]?.first.flatMap(APIHandlers.nonBlank))
            return ConsoleHTTP.redirect("/console/models" + ConsoleHTTP.done("Rolled back: version \(version) serves now", session))
        }
    }

    func correctRequestType(caseId: String, exceptionId: String, form: [String: [String]], session: ConsoleSession) async throws -> Response {
        let type = (form["requestType"]?.first ?? "").trimmingCharacters(in: .whitespaces)
        guard !type.isEmpty else { throw ConsoleFailure.badRequest("Choose the request type.") }
        _ = try await engine.correctRequestType(caseId: caseId, exceptionId: exceptionId, requestType: type,
                                                reason: form["reason"]?.first.flatMap(APIHandlers.nonBlank), by: session.user.principal)
        return ConsoleHTTP.redirect("/console/cases/\(caseId)" + ConsoleHTTP.done("Request type corrected to \(type)", session))
    }

    func judgeRecommendation(caseId: String, exceptionId: String, form: [String: [String]], session: ConsoleSession) async throws -> Response {
        let step = form["step"]?.first ?? "", verdict = form["verdict"]?.first ?? ""
        guard verdict == "accept" || verdict == "reject" else { throw ConsoleFailure.badRequest("Choose whether the step is useful.") }
        try await engine.recordRecommendationFeedback(caseId: caseId, exceptionId: exceptionId, step: step, accepted: verdict == "accept", by: session.user.principal)
        let done = verdict == "accept" ? (step.hasPrefix("action:") ? "Noted: ask for the action below" : "Noted: resolve it with that code below")
                                       : "Noted: that step will be offered less for this type"
        return ConsoleHTTP.redirect("/console/cases/\(caseId)" + ConsoleHTTP.done(done, session))
    }
}
