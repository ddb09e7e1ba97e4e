import ClearwayCore
import ClearwayEngine
import Foundation
import OpenAPIRuntime

/// Actions: requests and dry runs, approvals, recommendations, retries and connectors.
extension APIHandlers {
    func parameters(_ body: Components.Schemas.ActionRequest) throws -> ActionParameters {
        let json = try body.parameters.map { JSONValue.parse(try JSONEncoder().encode($0.additionalProperties)) } ?? .object([:])
        do { return try ActionParameters.parse(kind: ActionKind(rawValue: body.kind.rawValue) ?? .notifyCustomer, json) } catch {
            throw Problem.invalid(error.problems)
        }
    }

    func requestAction(_ input: Operations.requestAction.Input) async throws -> Operations.requestAction.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        let body = switch input.body { case .json(let json): json }
        let action = try await engine.requestAction(caseId: input.path.caseId, exceptionId: input.path.exceptionId,
                                                    parameters: try parameters(body), overrideReason: body.overrideReason, by: principal)
        return .created(.init(body: .json(try ActionMapping.action(action))))
    }

    func assessAction(_ input: Operations.assessAction.Input) async throws -> Operations.assessAction.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        let body = switch input.body { case .json(let json): json }
        let a = try await engine.assessAction(caseId: input.path.caseId, exceptionId: input.path.exceptionId, parameters: try parameters(body), by: principal)
        return .ok(.init(body: .json(.init(kind: .init(rawValue: a.parameters.kind.rawValue) ?? .notify_customer, allowed: a.allowed,
                                           checks: a.checks.map(ActionMapping.check), impact: ActionMapping.impact(a.impact),
                                           approval: a.approval.map(ActionMapping.approval), summary: a.summary))))
    }

    func listCaseActions(_ input: Operations.listCaseActions.Input) async throws -> Operations.listCaseActions.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let items = try await engine.caseActions(input.path.caseId, by: principal)
        return .ok(.init(body: .json(.init(items: try items.map(ActionMapping.action)))))
    }

    func listActions(_ input: Operations.listActions.Input) async throws -> Operations.listActions.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let limit = input.query.limit ?? 100
        guard (1...500).contains(limit) else { throw Problem.invalid([FieldProblem(pointer: "/query/limit", detail: "must be between 1 and 500")]) }
        let state = input.query.state.flatMap { ActionState(rawValue: $0.rawValue) }
        let items = try await engine.actions(state: state, limit: limit, by: principal)
        return .ok(.init(body: .json(.init(items: try items.map(ActionMapping.action)))))
    }

    func getAction(_ input: Operations.getAction.Input) async throws -> Operations.getAction.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let action = try await engine.action(input.path.actionId, by: principal)
        return .ok(.init(body: .json(try ActionMapping.action(action))))
    }

    func approveAction(_ input: Operations.approveAction.Input) async throws -> Operations.approveAction.Output {
        let principal = try RequestPrincipal.require(.approveActions)
        let reason: String? = switch input.body { case .json(let json): json.reason; case nil: nil }
        let action = try await engine.decideAction(actionId: input.path.actionId, approve: true, reason: reason, by: principal)
        return .ok(.init(body: .json(try ActionMapping.action(action))))
    }

    func rejectAction(_ input: Operations.rejectAction.Input) async throws -> Operations.rejectAction.Output {
        let principal = try RequestPrincipal.require(.approveActions)
        let reason: String? = switch input.body { case .json(let json): json.reason; case nil: nil }
        let action = try await engine.decideAction(actionId: input.path.actionId, approve: false, reason: reason, by: principal)
        return .ok(.init(body: .json(try ActionMapping.action(action))))
    }

    func executeAction(_ input: Operations.executeAction.Input) async throws -> Operations.executeAction.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        return .ok(.init(body: .json(try ActionMapping.action(try await engine.executeRecommendation(actionId: input.path.actionId, by: principal)))))
    }

    func retryAction(_ input: Operations.retryAction.Input) async throws -> Operations.retryAction.Output {
        let principal = try RequestPrincipal.require(.replayDeadLetters)
        return .ok(.init(body: .json(try ActionMapping.action(try await engine.retryAction(actionId: input.path.actionId, by: principal)))))
    }

    func skipAction(_ input: Operations.skipAction.Input) async throws -> Operations.skipAction.Output {
        let principal = try RequestPrincipal.require(.overridePolicy)
        let reason: String? = switch input.body { case .json(let json): json.reason; case nil: nil }
        return .ok(.init(body: .json(try ActionMapping.action(try await engine.skipAction(actionId: input.path.actionId, reason: reason, by: principal)))))
    }

    func retryActions(_ input: Operations.retryActions.Input) async throws -> Operations.retryActions.Output {
        let principal = try RequestPrincipal.require(.replayDeadLetters)
        let body = switch input.body { case .json(let json): json }
        guard (1...500).contains(body.actionIds.count) else { throw Problem.invalid([FieldProblem(pointer: "/actionIds", detail: "must list 1–500 action ids")]) }
        var items: [Components.Schemas.BulkResult.itemsPayloadPayload] = []
        for id in body.actionIds {
            do {
                let action = try await engine.retryAction(actionId: id, by: principal)
                items.append(.init(id: id, ok: true, state: action.state.rawValue))
            } catch let error as EngineError {
                items.append(.init(id: id, ok: false, error: ProblemMapping.sentence(for: error)))
            }
        }
        let ok = items.filter(\.ok).count
        return .ok(.init(body: .json(.init(succeeded: ok, failed: items.count - ok, items: items))))
    }

    func listConnectors(_ input: Operations.listConnectors.Input) async throws -> Operations.listConnectors.Output {
        let principal = try RequestPrincipal.require(.readDeadLetters)
        let counts = try await engine.outboxCounts(by: principal)
        let items = engine.connectors.status().map { c in
            Components.Schemas.Connector(
                system: c.system, url: c.url, circuit: .init(rawValue: c.circuit) ?? .closed, consecutiveFailures: c.consecutiveFailures,
                deliveries: .init(additionalProperties: c.deliveries),
                outbox: .init(additionalProperties: Dictionary(counts.filter { $0.target == c.system }.map { ($0.state, $0.count) }, uniquingKeysWith: +)))
        }
        return .ok(.init(body: .json(.init(items: items))))
    }
}

enum ActionMapping {
    static func action(_ a: ActionRecord) throws -> Components.Schemas.Action {
        Components.Schemas.Action(
            id: a.id, caseId: a.caseId, exceptionId: a.exceptionId, kind: .init(rawValue: a.kind.rawValue) ?? .notify_customer,
            parameters: .init(additionalProperties: try object(a.parameters.json)), state: .init(rawValue: a.state.rawValue) ?? .queued,
            system: a.system, requestedBy: a.requestedBy, requestedAt: a.requestedAt.date, rule: a.ruleId, override: a.overrideReason != nil,
            overrideReason: a.overrideReason, approval: a.approval.map(approval), decidedBy: a.decidedBy, decidedAt: a.decidedAt?.date,
            decisionReason: a.decisionReason, checks: a.checks.map(check), impact: impact(a.impact), attempts: a.attempts,
            lastError: a.lastError, result: try a.result.flatMap { $0.objectValue == nil ? nil : .init(additionalProperties: try object($0)) },
            completedAt: a.completedAt?.date)
    }

    static func object(_ json: JSONValue) throws -> OpenAPIObjectContainer {
        try JSONDecoder().decode(OpenAPIObjectContainer.self, from: json.canonicalData())
    }

    static func check(_ c: GuardrailCheck) -> Components.Schemas.GuardrailCheck { .init(id: c.id, passed: c.passed, detail: c.detail) }

    static func impact(_ i: ActionImpact) -> Components.Schemas.ActionImpact {
        .init(amount: i.amount.doubleValue, priceChangePercent: i.priceChangePercent, overCreditLimit: i.overCreditLimit)
    }

    static func approval(_ r: ApprovalRequirement) -> Components.Schemas.ApprovalRequirement {
        .init(role: r.role.rawValue, rules: r.rules, reason: r.reason)
    }
}
