import ClearwayCore
import ClearwayStore
import Foundation

extension ClearwayEngine {
    /// Subscribes a receiver to changes. The URL must be http(s) with a host, carry no
    /// credentials, and reach no internal address the policy does not allow (checked after
    /// resolving the name, and again at every delivery). Audited with who subscribed.
    public func createWebhook(url: String, description: String?, events: [String]?, by principal: Principal) async throws -> (WebhookSubscription, String) {
        try authorize(principal, .manageKeys)
        let url = url.trimmingCharacters(in: .whitespaces)
        let events = events ?? WebhookSubscription.defaultEvents
        var problems: [FieldProblem] = []
        if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false {
            if parsed.user != nil || parsed.password != nil {
                problems.append(FieldProblem(pointer: "/url", detail: "must not carry credentials; receivers verify the signature instead"))
            } else if let refusal = await outbound.refusal(url) {
                problems.append(FieldProblem(pointer: "/url", detail: "is not reachable for Clearway: \(refusal)"))
            }
        } else {
            problems.append(FieldProblem(pointer: "/url", detail: "must be an http:// or https:// URL with a host"))
        }
        for (i, e) in events.enumerated() where e.isEmpty || e.count > 100 || !e.allSatisfy({ $0.isLetter || $0.isNumber || "._*".contains($0) }) {
            problems.append(FieldProblem(pointer: "/events/\(i)", detail: "must be an audit action such as exception.resolved, or a prefix ending in * (exception.*)"))
        }
        if events.isEmpty { problems.append(FieldProblem(pointer: "/events", detail: "must name at least one event")) }
        guard problems.isEmpty else { throw EngineError.invalidFields(problems) }
        return try await database.createWebhook(id: ids.next("WH"), url: url, description: description, events: events, key: dataKey,
                                                at: clock.now(), by: principal.auditName, policyVersion: policy.version)
    }

    /// Ends a subscription: nothing more is delivered to it. Audited with who ended it.
    public func endWebhook(_ id: String, by principal: Principal) async throws {
        try authorize(principal, .manageKeys)
        guard try await database.disableWebhook(id, reason: "ended through the API", at: clock.now(), by: principal.auditName,
                                                policyVersion: policy.version) else {
            throw EngineError.notFound(what: "active webhook subscription", id: id)
        }
    }

    public func webhooks(by principal: Principal) async throws -> [WebhookSubscription] {
        try authorize(principal, .manageKeys)
        return try await database.webhooks()
    }
}
