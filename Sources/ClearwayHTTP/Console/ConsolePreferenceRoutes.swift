import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// Each person's notification preferences: where each trigger reaches them, quiet hours on
/// a site's calendar and the digest window.
extension ConsoleRoutes {
    func registerPreferences(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/preferences", .permission(.readCases)) { request, _, session, _ in
            let prefs = try await engine.notificationPreferences(by: session.user.principal)
            return ConsoleHTTP.html(PreferenceViews.page(prefs, policy: engine.policy, mail: engine.notificationChannels.mail != nil,
                                                         session: session, notice: Layout.notice(ConsoleHTTP.notice(request, session))))
        }
        route(router, .post, "/console/preferences", .permission(.readCases)) { _, _, session, form in
            do {
                _ = try await engine.changeNotificationPreferences(PreferenceViews.document(form, defaults: engine.policy.notifications), replace: true, by: session.user.principal)
            } catch EngineError.invalidFields(let problems) {
                throw ConsoleFailure.badRequest("Please check: " + problems.map { "\(PreferenceViews.label($0.pointer)) \($0.detail)" }
                    .joined(separator: "; ") + ".")
            }
            return ConsoleHTTP.redirect("/console/preferences" + ConsoleHTTP.done("Preferences saved", session))
        }
    }
}

enum PreferenceViews {
    /// The form as the JSON document the engine reads (all fields: the form replaces them).
    /// A trigger whose boxes differ from the policy's default, or marked "my choice", is the person's own.
    static func document(_ form: [String: [String]], defaults: NotificationSettings) -> JSONValue {
        func text(_ key: String) -> String? {
            let v = (form[key]?.first ?? "").trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        var doc: [String: JSONValue] = [:]
        if let e = text("email") { doc["email"] = .string(e) }
        for key in ["slackWebhook", "teamsWebhook"] {
            if form[key + "Remove"]?.first == "1" { doc[key] = .null } else if let url = text(key) { doc[key] = .string(url) }
        }
        var channels: [String: JSONValue] = [:]
        for trigger in NotificationTrigger.allCases {
            let boxes = form["ch." + trigger.rawValue] ?? []
            let standard = (defaults.channels[trigger] ?? []).subtracting([.console]).map(\.rawValue).sorted()
            guard form["set." + trigger.rawValue]?.first == "1" || boxes.sorted() != standard else { continue }
            channels[trigger.rawValue] = .array(boxes.map(JSONValue.string))
        }
        if !channels.isEmpty { doc["channels"] = .object(channels) }
        if text("quietFrom") != nil || text("quietTo") != nil {
            doc["quietHours"] = .object(["from": .string(text("quietFrom") ?? ""), "to": .string(text("quietTo") ?? ""),
                                         "daysOff": .bool(form["quietDaysOff"]?.first == "1")])
        }
        if let site = text("calendarSite") { doc["calendarSite"] = .string(site) }
        if let d = text("digestMinutes") { doc["digestMinutes"] = Double(d).map(JSONValue.number) ?? .string(d) }
        return .object(doc)
    }

    static func label(_ pointer: String) -> String {
        switch pointer {
        case "/email": "E-mail"
        case "/slackWebhook": "Slack webhook"
        case "/teamsWebhook": "Teams webhook"
        case "/quietHours/from": "Quiet from"
        case "/quietHours/to": "Quiet until"
        case "/calendarSite": "Calendar"
        case "/digestMinutes": "Digest window"
        default: pointer.hasPrefix("/channels/") ? "Channels for \(pointer.dropFirst(10))" : pointer
        }
    }

    static func page(_ p: NotificationPreferences, policy: Policy, mail: Bool, session: ConsoleSession, notice: HTML) -> HTML {
        let rows = NotificationTrigger.allCases.map { trigger -> HTML in
            let own = p.channels[trigger]
            let chosen = own ?? policy.notifications.channels[trigger] ?? [.console]
            let boxes = NotificationChannel.allCases.filter { $0 != .console }.map { c -> HTML in
                """
                <label><input type="checkbox" name="ch.\(trigger.rawValue)" value="\(c.rawValue)"\(chosen.contains(c) ? " checked" : "")> \(c.rawValue)</label>
                """
            }
            let mine: HTML = own == nil ? "" : " checked"
            return """
                <tr><th scope="row">\(trigger.heading)</th><td>console (always) \(boxes)</td>\
                <td><label><input type="checkbox" name="set.\(trigger.rawValue)" value="1"\(mine)> my choice</label></td></tr>
                """
        }
        let sites = [""] + policy.sites.keys.sorted()
        let options = sites.map { s -> HTML in
            "<option value=\"\(s)\"\(s == (p.calendarSite ?? "") ? " selected" : "")>\(s.isEmpty ? "the global calendar" : s)</option>"
        }
        let quiet = p.quietHours
        let mailNote: HTML = mail ? "" : "<p class=\"notice\">No mail server is configured on this server: e-mail waits until one is.</p>"
        return Layout.page(title: "Notification preferences", session: session, body: """
            \(notice)\(mailNote)<form method="post" action="/console/preferences">\(Layout.csrfField(session))
            <fieldset><legend>Where you can be reached</legend>
            <label>E-mail <input type="email" name="email" value="\(p.email)" autocomplete="email"></label>
            <label>Slack incoming webhook <input type="url" name="slackWebhook" placeholder="\(NotificationPreferences.shown(p.slackWebhook) ?? "https://hooks.slack.com/services/…")"></label>
            \(p.slackWebhook == nil ? "" : "<label><input type=\"checkbox\" name=\"slackWebhookRemove\" value=\"1\"> remove the Slack webhook</label>" as HTML)
            <label>Teams incoming webhook <input type="url" name="teamsWebhook" placeholder="\(NotificationPreferences.shown(p.teamsWebhook) ?? "https://….webhook.office.com/…")"></label>
            \(p.teamsWebhook == nil ? "" : "<label><input type=\"checkbox\" name=\"teamsWebhookRemove\" value=\"1\"> remove the Teams webhook</label>" as HTML)
            <p class="muted">A webhook address is never shown again once saved; leave the field empty to keep it.</p></fieldset>
            <fieldset><legend>What reaches you where</legend><div class="tablewrap"><table><thead><tr><th scope="col">When</th>\
            <th scope="col">Channels</th><th scope="col">Mine or the policy's</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <p class="muted">Without "my choice", a trigger follows the policy's default.</p></fieldset>
            <fieldset><legend>Quiet hours and digests</legend>
            <label>Quiet from <input name="quietFrom" placeholder="19:00" value="\(quiet.map { QuietHours.clock($0.from) })" size="5"></label>
            <label>until <input name="quietTo" placeholder="07:00" value="\(quiet.map { QuietHours.clock($0.to) })" size="5"></label>
            <label><input type="checkbox" name="quietDaysOff" value="1"\(quiet?.daysOff == true ? " checked" : "")> quiet all day on days off</label>
            <label>on the calendar of <select name="calendarSite">\(options)</select></label>
            <label>Digest window (minutes) <input type="number" name="digestMinutes" min="0" max="1440" \
            value="\(p.digestMinutes.map(String.init))" placeholder="\(policy.notifications.digestMinutes)"></label>
            <p class="muted">Everything that reaches you within the window goes as one message; the console shows each at once.</p></fieldset>
            <button type="submit">Save preferences</button></form>
            """)
    }
}
