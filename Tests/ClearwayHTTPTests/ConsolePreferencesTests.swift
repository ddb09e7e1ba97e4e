import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Testing

/// Each person edits where notifications reach them on /console/preferences: the form saves
/// what was chosen, a bad field is named, a webhook address is never shown back.
@Suite("The console's notification preferences")
struct ConsolePreferencesTests {
    static func form(_ h: Harness, cookie: String) async throws -> String {
        let page = String(buffer: try await h.send(.get, "/console/preferences", as: nil, headers: [.cookie: cookie]).body)
        return try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) })
    }

    @Test("an agent chooses e-mail and Slack for assignments, quiet hours on DC-EU's calendar and a digest window; bad times are named",
          arguments: [TestDatabaseKind.sqlite])
    func edit(_ kind: TestDatabaseKind) async throws {
        var policy = try DefaultPolicy.load()
        policy.outbound.allow.append("127.0.0.1")
        try await Harness.run(kind, policy: policy) { h in
            try await ConsoleTests.addPeople(h)
            let ann = try #require(try await ConsoleTests.signIn(h, "ann", "ann-password-12").cookie)
            let csrf = try await Self.form(h, cookie: ann)
            let body = "csrf=\(csrf)&email=ann%40example.com&slackWebhook=http%3A%2F%2F127.0.0.1%3A9%2Fslack%2FT1%2FB1%2Fsecret"
                + "&ch.assigned=email&ch.assigned=slack&ch.breached=email&ch.escalation=email&ch.approval_waiting=email&ch.dead_letter=email"
                + "&quietFrom=18%3A30&quietTo=07%3A00&quietDaysOff=1"
                + "&calendarSite=DC-EU&digestMinutes=30"
            let saved = try await h.send(.post, "/console/preferences", as: nil, contentType: "application/x-www-form-urlencoded",
                                         body: body, headers: [.cookie: ann])
            #expect(saved.status == .seeOther, "\(String(buffer: saved.body))")
            let prefs = try await h.engine.notificationPreferences(by: Principal(id: "x", name: "ann", role: .agent))
            #expect(prefs.email == "ann@example.com" && prefs.slackWebhook == "http://127.0.0.1:9/slack/T1/B1/secret")
            #expect(prefs.channels == [.assigned: [.console, .email, .slack]], "the triggers left as the form showed them follow the policy")
            #expect(prefs.quietHours == QuietHours(from: 1110, to: 420, daysOff: true) && prefs.calendarSite == "DC-EU" && prefs.digestMinutes == 30)
            let page = String(buffer: try await h.send(.get, "/console/preferences", as: nil, headers: [.cookie: ann]).body)
            #expect(page.contains("http://127.0.0.1:9/…") && !page.contains("secret"), "the webhook's path is never shown back")
            let audit = try await h.engine.queries.auditEntries(limit: 50).filter { $0.action == "notification.preferences_changed" }
            #expect(audit.count == 1 && audit.first?.actor.contains("ann") == true && audit.first?.reason?.contains("slackWebhook") == true)

            let bad = try await h.send(.post, "/console/preferences", as: nil, contentType: "application/x-www-form-urlencoded",
                                       body: "csrf=\(csrf)&quietFrom=7pm&quietTo=07%3A00", headers: [.cookie: ann])
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("Quiet from must be a time of day as HH:MM"))
        }
    }
}
