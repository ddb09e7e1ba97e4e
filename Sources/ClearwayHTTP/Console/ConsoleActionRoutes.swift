import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Hummingbird

/// Console routes for actions: ask (or check) an action on an exception, decide approvals,
/// carry out recommendations, retry and skip; the approval inbox and the delivery view.
extension ConsoleRoutes {
    func registerActions(on router: Router<BasicRequestContext>) {
        router.post("/console/cases/:case/exceptions/:exception/act") { request, context in try await page(request, post: true) { session, form in
            let caseId = try context.parameters.require("case"), exceptionId = try context.parameters.require("exception")
            guard let kind = ActionKind(rawValue: form["kind"]?.first ?? "") else { throw ConsoleFailure.badRequest("Choose an action.") }
            let parameters = try ActionViews.parameters(kind: kind, form: form)
            let back = "/console/cases/\(caseId)"
            if form["mode"]?.first == "check" {
                let a = try await engine.assessAction(caseId: caseId, exceptionId: exceptionId, parameters: parameters, by: session.user.principal)
                let checks = a.checks.map { "\($0.passed ? "✓" : "✗") \($0.detail)" }.joined(separator: "; ")
                return ConsoleHTTP.redirect(back + ConsoleHTTP.query([("done", "\(a.summary). Checks: \(checks)")]))
            }
            let override = (form["overrideReason"]?.first ?? "").trimmingCharacters(in: .whitespaces)
            let action = try await engine.requestAction(caseId: caseId, exceptionId: exceptionId, parameters: parameters,
                                                        overrideReason: override.isEmpty ? nil : override, by: session.user.principal)
            let state = action.state == .pendingApproval ? "waits for \(action.approval?.role.rawValue ?? "an") approval" : "is \(action.state.rawValue)"
            return ConsoleHTTP.redirect(back + ConsoleHTTP.query([("done", "\(action.kind.label) asked as \(action.id); it \(state).")]))
        } }
        router.post("/console/actions/:action/:verb") { request, context in try await page(request, post: true) { session, form in
            let id = try context.parameters.require("action"), verb = try context.parameters.require("verb")
            let reason = (form["reason"]?.first ?? "").trimmingCharacters(in: .whitespaces)
            let who = session.user.principal
            let action: ActionRecord = switch verb {
            case "approve": try await engine.decideAction(actionId: id, approve: true, reason: reason.isEmpty ? nil : reason, by: who)
            case "reject": try await engine.decideAction(actionId: id, approve: false, reason: reason, by: who)
            case "execute": try await engine.executeRecommendation(actionId: id, by: who)
            case "retry": try await engine.retryAction(actionId: id, by: who)
            case "skip": try await engine.skipAction(actionId: id, reason: reason, by: who)
            default: throw ConsoleFailure.notFound("There is no action step called \(verb).")
            }
            let back = form["back"]?.first.flatMap { $0.hasPrefix("/console/") && !$0.contains("//") ? $0 : nil } ?? "/console/cases/\(action.caseId)"
            return ConsoleHTTP.redirect(back + ConsoleHTTP.query([("done", "\(action.id) is now \(action.state.rawValue.replacingOccurrences(of: "_", with: " ")).")]))
        } }
        router.get("/console/approvals") { request, _ in try await page(request) { session, _ in
            let pending = try await engine.queries.actions(state: .pendingApproval, limit: 500)
            return ConsoleHTTP.html(ActionViews.approvalsPage(pending, session: session, notice: Layout.notice(request.uri.queryParameters["done"].map(String.init))))
        } }
        router.get("/console/deliveries") { request, _ in try await page(request) { session, _ in
            guard session.user.role.allows(.readDeadLetters) else { throw ConsoleFailure.forbidden("Deliveries are for supervisors and administrators.") }
            let dead = try await engine.queries.actions(state: .deadLettered, limit: 500)
            return ConsoleHTTP.html(ActionViews.deliveriesPage(connectors: engine.connectors.status(), outbox: try await engine.queries.outboxCounts(),
                                                               dead: dead, session: session,
                                                               notice: Layout.notice(request.uri.queryParameters["done"].map(String.init))))
        } }
        router.post("/console/deliveries/retry") { request, _ in try await page(request, post: true) { session, form in
            let ids = form["ids"] ?? []
            guard !ids.isEmpty else { throw ConsoleFailure.badRequest("Select at least one action first.") }
            guard ids.count <= 500 else { throw ConsoleFailure.badRequest("Select at most 500 actions at a time.") }
            var done = 0
            var failures: [String] = []
            for id in ids {
                do { _ = try await engine.retryAction(actionId: id, by: session.user.principal); done += 1 } catch let error as EngineError {
                    failures.append("\(id): \(ConsoleActions.failure(for: error).message)")
                }
            }
            let summary = "Retried \(done) of \(ids.count)." + (failures.isEmpty ? "" : " Not retried: " + failures.joined(separator: "; "))
            return ConsoleHTTP.redirect("/console/deliveries" + ConsoleHTTP.query([("done", summary)]))
        } }
    }
}
