import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Foundation

/// Webhook subscriptions (administrators only).
extension APIHandlers {
    func listWebhooks(_ input: Operations.listWebhooks.Input) async throws -> Operations.listWebhooks.Output {
        _ = try RequestPrincipal.require(.manageKeys)
        return .ok(.init(body: .json(.init(items: try await engine.database.webhooks().map { Self.webhook($0, secret: nil) }))))
    }

    func createWebhook(_ input: Operations.createWebhook.Input) async throws -> Operations.createWebhook.Output {
        _ = try RequestPrincipal.require(.manageKeys)
        let body = switch input.body { case .json(let json): json }
        var problems: [FieldProblem] = []
        let url = body.url.trimmingCharacters(in: .whitespaces)
        if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false {
            if parsed.user != nil || parsed.password != nil { problems.append(FieldProblem(pointer: "/url", detail: "must not carry credentials; receivers verify the signature instead")) }
        } else {
            problems.append(FieldProblem(pointer: "/url", detail: "must be an http:// or https:// URL with a host"))
        }
        let events = body.events ?? WebhookSubscription.defaultEvents
        for (i, e) in events.enumerated() where e.isEmpty || e.count > 100 || !e.allSatisfy({ $0.isLetter || $0.isNumber || "._*".contains($0) }) {
            problems.append(FieldProblem(pointer: "/events/\(i)", detail: "must be an audit action such as exception.resolved, or a prefix ending in * (exception.*)"))
        }
        if events.isEmpty { problems.append(FieldProblem(pointer: "/events", detail: "must name at least one event")) }
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let (subscription, secret) = try await engine.database.createWebhook(id: engine.ids.next("WH"), url: url, description: body.description,
                                                                             events: events, key: engine.dataKey, at: engine.clock.now())
        return .created(.init(body: .json(Self.webhook(subscription, secret: secret))))
    }

    func deleteWebhook(_ input: Operations.deleteWebhook.Input) async throws -> Operations.deleteWebhook.Output {
        _ = try RequestPrincipal.require(.manageKeys)
        guard try await engine.database.disableWebhook(input.path.webhookId, reason: "ended through the API", at: engine.clock.now()) else {
            throw EngineError.notFound(what: "active webhook subscription", id: input.path.webhookId)
        }
        return .noContent(.init())
    }

    static func webhook(_ s: WebhookSubscription, secret: String?) -> Components.Schemas.Webhook {
        .init(id: s.id, url: s.url, description: s.description, events: s.events, createdAt: s.createdAt.date, active: s.disabledAt == nil,
              disabledReason: s.disabledReason, secret: secret)
    }
}
