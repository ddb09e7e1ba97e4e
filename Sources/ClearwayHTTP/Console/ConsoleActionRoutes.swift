import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// Console routes for actions: ask (or check) an action on an exception, decide approvals,
/// carry out recommendations, retry and skip; the approval inbox and the delivery view.
extension ConsoleRoutes {
    func registerActions(on router: Router<ClearwayRequestContext>) {
        route(router, .post, "/console/cases/:case/exceptions/:exception/act", .permission(.workExceptions)) { request, context, session, form in
            let caseId = try context.parameters.require("case"), exceptionId = try context.parameters.require("exception")
            guard let kind = ActionKind(rawValue: form["kind"]?.first ?? "") else { throw ConsoleFailure.badRequest("Choose an action.") }
            let parameters = try ActionViews.parameters(kind: kind, form: form)
            let back = "/console/cases/\(caseId)"
            if form["mode"]?.first == "check" {
                let a = try await engine.assessAction(caseId: caseId, exceptionId: exceptionId, parameters: parameters, by: session.user.principal)
                let checks = a.checks.map { "\($0.passed ? "✓" : "✗") \($0.detail)" }.joined(separator: "; ")
                return ConsoleHTTP.redirect(back + ConsoleHTTP.done("\(a.summary). Checks: \(checks)", session))
            }
            let override = (form["overrideReason"]?.first ?? "").trimmingCharacters(in: .whitespaces)
            let action = try await engine.requestAction(caseId: caseId, exceptionId: exceptionId, parameters: parameters,
                                                        overrideReason: override.isEmpty ? nil : override, by: session.user.principal)
            let state = action.state == .pendingApproval ? "waits for \(action.approval?.role.rawValue ?? "an") approval" : "is \(action.state.rawValue)"
            return ConsoleHTTP.redirect(back + ConsoleHTTP.done("\(action.kind.label) asked as \(action.id); it \(state).", session))
        }
        // One route per step, each with the permission it needs; the engine checks the
        // finer rules (which approver role, whose action).
        let steps: [(verb: String, needs: Permission)] = [
            ("approve", .approveActions), ("reject", .approveActions), ("execute", .workExceptions),
            ("retry", .replayDeadLetters), ("skip", .overridePolicy),
        ]
        for step in steps {
            route(router, .post, "/console/actions/:action/\(step.verb)", .permission(step.needs)) { _, context, session, form in
                try await actionStep(step.verb, id: try context.parameters.require("action"), form: form, session: session)
            }
        }
        route(router, .get, "/console/approvals", .permission(.readCases)) { request, _, session, _ in
            let inbox = try await engine.approvalInbox(by: session.user.principal)
            return ConsoleHTTP.html(ApprovalPages.page(inbox, session: session, now: engine.clock.now(),
                                                       notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .get, "/console/deliveries", .permission(.readDeadLetters)) { request, _, session, _ in
            let dead = try await engine.deadLetteredActions(limit: 500, by: session.user.principal)
            let senders = try await engine.unknownEDISenders(by: session.user.principal)
            return ConsoleHTTP.html(ActionViews.deliveriesPage(connectors: engine.connectors.status(), outbox: try await engine.outboxCounts(by: session.user.principal),
                                                               dead: dead, senders: senders, session: session,
                                                               notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .post, "/console/edi/senders/replay", .permission(.replayDeadLetters)) { _, _, session, form in
            let source = form["source"]?.first ?? ""
            let result = try await engine.replayUnknownSender(source, by: session.user.principal)
            let summary = "\(source): \(result.replayed) document(s) replayed into orders"
                + (result.failed > 0 ? "; \(result.failed) still kept: \(result.reason ?? "")" : ".")
            return ConsoleHTTP.redirect("/console/deliveries" + ConsoleHTTP.done(summary, session))
        }
        route(router, .post, "/console/deliveries/retry", .permission(.replayDeadLetters)) { request, _, session, form in
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
            return ConsoleHTTP.redirect("/console/deliveries" + ConsoleHTTP.done(summary, session))
        }
    }

    func actionStep(_ verb: String, id: String, form: Form, session: ConsoleSession) async throws -> Response {
        let reason = (form["reason"]?.first ?? "").trimmingCharacters(in: .whitespaces)
        let who = session.user.principal
        let action: ActionRecord = switch verb {
        case "approve": try await engine.decideAction(actionId: id, approve: true, reason: reason.isEmpty ? nil : reason, by: who)
        case "reject": try await engine.decideAction(actionId: id, approve: false, reason: reason, by: who)
        case "execute": try await engine.executeRecommendation(actionId: id, by: who)
        case "retry": try await engine.retryAction(actionId: id, by: who)
        default: try await engine.skipAction(actionId: id, reason: reason, by: who)
        }
        let back = form["back"]?.first.flatMap { $0.hasPrefix("/console/") && !$0.contains("//") ? $0 : nil } ?? "/console/cases/\(action.caseId)"
        return ConsoleHTTP.redirect(back + ConsoleHTTP.done("\(action.id) is now \(action.state.rawValue.replacingOccurrences(of: "_", with: " ")).", session))
    }
}
