import ClearwayCore
import ClearwayEngine
import Foundation

/// What reaches the caller: their notifications and their preferences.
extension APIHandlers {
    func listNotifications(_ input: Operations.listNotifications.Input) async throws -> Operations.listNotifications.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let (unread, items) = try await engine.notifications(by: principal, unreadOnly: input.query.unread ?? false, limit: input.query.limit ?? 50)
        return .ok(.init(body: .json(.init(unread: unread, items: items.map(ContractMapping.notification)))))
    }

    func markNotificationsRead(_ input: Operations.markNotificationsRead.Input) async throws -> Operations.markNotificationsRead.Output {
        let principal = try RequestPrincipal.require(.readCases)
        var ids: [String]?
        if case .json(let body)? = input.body { ids = body.ids }
        let marked = try await engine.markNotificationsRead(ids, by: principal)
        return .ok(.init(body: .json(.init(marked: marked, unread: try await engine.unreadNotifications(by: principal)))))
    }

    func getNotificationPreferences(_ input: Operations.getNotificationPreferences.Input) async throws -> Operations.getNotificationPreferences.Output {
        let principal = try RequestPrincipal.require(.readCases)
        return .ok(.init(body: .json(preferences(try await engine.notificationPreferences(by: principal)))))
    }

    func putNotificationPreferences(_ input: Operations.putNotificationPreferences.Input) async throws -> Operations.putNotificationPreferences.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let body = switch input.body { case .json(let json): json }
        var doc: [String: JSONValue] = [:]
        // An empty string is no value: with PUT, as good as leaving it out.
        if let e = body.email, !e.isEmpty { doc["email"] = .string(e) }
        if let s = body.slackWebhook { doc["slackWebhook"] = s.isEmpty ? .null : .string(s) }
        if let t = body.teamsWebhook { doc["teamsWebhook"] = t.isEmpty ? .null : .string(t) }
        if let c = body.channels {
            doc["channels"] = .object(c.additionalProperties.mapValues { .array($0.map(JSONValue.string)) })
        }
        if let q = body.quietHours {
            doc["quietHours"] = .object(["from": .string(q.from), "to": .string(q.to), "daysOff": .bool(q.daysOff ?? false)])
        }
        if let s = body.calendarSite, !s.isEmpty { doc["calendarSite"] = .string(s) }
        if let d = body.digestMinutes { doc["digestMinutes"] = .number(Double(d)) }
        let stored = try await engine.changeNotificationPreferences(.object(doc), replace: true, by: principal)
        return .ok(.init(body: .json(preferences(stored))))
    }

    func preferences(_ p: NotificationPreferences) -> Components.Schemas.NotificationPreferences {
        let defaults = engine.policy.notifications
        func channels(_ map: [NotificationTrigger: Set<NotificationChannel>]) -> Components.Schemas.NotificationChannels {
            .init(additionalProperties: Dictionary(uniqueKeysWithValues: map.map { trigger, set in
                (trigger.rawValue, set.sorted().compactMap { .init(rawValue: $0.rawValue) })
            }))
        }
        return .init(email: p.email, slackWebhook: NotificationPreferences.shown(p.slackWebhook),
                     teamsWebhook: NotificationPreferences.shown(p.teamsWebhook), channels: channels(p.channels),
                     defaults: channels(defaults.channels),
                     quietHours: p.quietHours.map { .init(from: QuietHours.clock($0.from), to: QuietHours.clock($0.to), daysOff: $0.daysOff) },
                     calendarSite: p.calendarSite, digestMinutes: p.digestMinutes ?? defaults.digestMinutes,
                     policyDigestMinutes: defaults.digestMinutes)
    }
}
