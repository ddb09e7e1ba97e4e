import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// The caller's own notification preferences. Anyone who is notified may read theirs;
    /// nobody reads another person's.
    public func notificationPreferences(by principal: Principal) async throws -> NotificationPreferences {
        guard principal.role.allows(.readCases) else { throw EngineError.forbidden("role \(principal.role.rawValue) receives no notifications") }
        return try await database.notificationPreferences(for: principal.name, key: dataKey)
    }

    /// Changes the caller's preferences from a JSON document (see
    /// `NotificationPreferences.applying`): `replace` starts from nothing but the webhook
    /// URLs, which are never shown back and so are kept unless the document sets or clears
    /// them. Webhook URLs must be allowed by the outbound policy. Audited.
    public func changeNotificationPreferences(_ change: JSONValue, replace: Bool, by principal: Principal) async throws -> NotificationPreferences {
        let current = try await notificationPreferences(by: principal)
        let base = replace ? NotificationPreferences(slackWebhook: current.slackWebhook, teamsWebhook: current.teamsWebhook) : current
        let next: NotificationPreferences
        do { next = try base.applying(change, sites: Set(policy.sites.keys)) } catch { throw EngineError.invalidFields(error.problems) }
        var problems: [FieldProblem] = []
        for (field, url, before) in [("slackWebhook", next.slackWebhook, current.slackWebhook), ("teamsWebhook", next.teamsWebhook, current.teamsWebhook)] {
            guard let url, url != before, let refusal = await outbound.refusal(url, allowUnresolved: true) else { continue }
            problems.append(FieldProblem(pointer: "/\(field)", detail: "cannot be called: \(refusal)"))
        }
        if !problems.isEmpty { throw EngineError.invalidFields(problems) }
        if next.email != nil, notificationChannels.mail == nil, next.channels.values.contains(where: { $0.contains(.email) }) {
            logger.notice("e-mail chosen but no mail server is configured", metadata: ["user": "\(principal.name)"])
        }
        try await database.saveNotificationPreferences(next, for: principal.name, key: dataKey, actor: principal.auditName, at: clock.now())
        return next
    }
}
