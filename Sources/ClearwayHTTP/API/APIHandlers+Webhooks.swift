import ClearwayCore
import ClearwayEngine

/// Webhook subscriptions (administrators only).
extension APIHandlers {
    func listWebhooks(_ input: Operations.listWebhooks.Input) async throws -> Operations.listWebhooks.Output {
        let principal = try RequestPrincipal.require(.manageKeys)
        return .ok(.init(body: .json(.init(items: try await engine.webhooks(by: principal).map { Self.webhook($0, secret: nil) }))))
    }

    func createWebhook(_ input: Operations.createWebhook.Input) async throws -> Operations.createWebhook.Output {
        let principal = try RequestPrincipal.require(.manageKeys)
        let body = switch input.body { case .json(let json): json }
        let (subscription, secret) = try await engine.createWebhook(url: body.url, description: body.description, events: body.events, by: principal)
        return .created(.init(body: .json(Self.webhook(subscription, secret: secret))))
    }

    func deleteWebhook(_ input: Operations.deleteWebhook.Input) async throws -> Operations.deleteWebhook.Output {
        try await engine.endWebhook(input.path.webhookId, by: try RequestPrincipal.require(.manageKeys))
        return .noContent(.init())
    }

    static func webhook(_ s: WebhookSubscription, secret: String?) -> Components.Schemas.Webhook {
        .init(id: s.id, url: s.url, description: s.description, events: s.events, createdAt: s.createdAt.date, active: s.disabledAt == nil,
              disabledReason: s.disabledReason, secret: secret)
    }
}
