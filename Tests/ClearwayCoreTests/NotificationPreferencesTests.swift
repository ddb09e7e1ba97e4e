import ClearwayCore
import Foundation
import Testing

/// A person's choices: quiet hours read on a site's calendar, every bad field named, the
/// channels a trigger reaches, and the policy's defaults.
@Suite("Notification preferences")
struct NotificationPreferencesTests {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    /// Berlin, Monday to Friday 08:00–17:00, with Monday 2026-12-07 a holiday.
    static let berlin = BusinessCalendar(name: "berlin", timeZone: TimeZone(identifier: "Europe/Berlin")!, opensAt: 480, closesAt: 1020,
                                         workingDays: Set(0...4), holidays: [LocalDate(year: 2026, month: 12, day: 7)])

    @Test("quiet hours that wrap past midnight end at their morning in the calendar's zone")
    func quietAcrossMidnight() {
        let quiet = QuietHours(from: 19 * 60, to: 7 * 60)
        // Tuesday 22:00 in Berlin (21:00 UTC) is quiet until Wednesday 07:00 (06:00 UTC).
        #expect(quiet.ends(after: Self.at("2026-12-01T21:00:00Z"), on: Self.berlin) == Self.at("2026-12-02T06:00:00Z"))
        // 05:00 is quiet until 07:00 the same day.
        #expect(quiet.ends(after: Self.at("2026-12-02T04:00:00Z"), on: Self.berlin) == Self.at("2026-12-02T06:00:00Z"))
        // Noon is not quiet.
        #expect(quiet.ends(after: Self.at("2026-12-02T11:00:00Z"), on: Self.berlin) == nil)
    }

    @Test("quiet days off hold a Friday evening's message past the weekend and a Monday holiday")
    func quietDaysOff() {
        let quiet = QuietHours(from: 19 * 60, to: 7 * 60, daysOff: true)
        // Friday 2026-12-04 20:00 Berlin → Tuesday 2026-12-08 07:00 Berlin (06:00 UTC).
        #expect(quiet.ends(after: Self.at("2026-12-04T19:00:00Z"), on: Self.berlin) == Self.at("2026-12-08T06:00:00Z"))
        // Saturday noon, the same.
        #expect(quiet.ends(after: Self.at("2026-12-05T11:00:00Z"), on: Self.berlin) == Self.at("2026-12-08T06:00:00Z"))
    }

    @Test("a message is due after the digest window, and never inside quiet hours")
    func dueTime() {
        let defaults = NotificationSettings(digestMinutes: 15)
        var prefs = NotificationPreferences(email: "dana@example.com")
        #expect(prefs.due(at: Self.at("2026-12-01T10:00:00Z"), defaults: defaults, calendar: Self.berlin) == Self.at("2026-12-01T10:15:00Z"))
        prefs.digestMinutes = 0
        prefs.quietHours = QuietHours(from: 19 * 60, to: 7 * 60)
        #expect(prefs.due(at: Self.at("2026-12-01T21:00:00Z"), defaults: defaults, calendar: Self.berlin) == Self.at("2026-12-02T06:00:00Z"))
    }

    @Test("a trigger goes to the person's channels, else the policy's, and never to a channel with nowhere to go")
    func channelsPerTrigger() {
        let defaults = NotificationSettings()
        var prefs = NotificationPreferences()
        #expect(prefs.outside(.breached, defaults: defaults).isEmpty)  // no address: console only
        prefs.email = "dana@example.com"
        #expect(prefs.outside(.breached, defaults: defaults) == [.email])
        #expect(prefs.outside(.assigned, defaults: defaults).isEmpty)
        prefs.slackWebhook = "https://hooks.slack.com/services/T/B/X"
        prefs.channels[.assigned] = [.console, .slack, .teams]
        #expect(prefs.outside(.assigned, defaults: defaults) == [.slack])
    }

    @Test("a change names every bad field by its pointer")
    func badFields() throws {
        let change = try #require(JSONValue.parse(Data("""
            {"email":"not an address","slackWebhook":"ftp://x","channels":{"breached":["email","pager"],"someday":["email"],
             "assigned":["teams"]},"quietHours":{"from":"25:00","to":"07:00"},"calendarSite":"DC-MARS","digestMinutes":2000}
            """.utf8)))
        do {
            _ = try NotificationPreferences().applying(change, sites: ["DC-CHI", "DC-EU"])
            Issue.record("a bad change was accepted")
        } catch {
            let pointers = Set(error.problems.map(\.pointer))
            #expect(pointers == ["/email", "/slackWebhook", "/channels/breached", "/channels/someday", "/quietHours/from",
                                 "/calendarSite", "/digestMinutes", "/channels/assigned"], "\(error.problems)")
        }
    }

    @Test("a change keeps what it leaves out and clears what it sets to null")
    func partialChange() throws {
        let before = NotificationPreferences(email: "dana@example.com", slackWebhook: "https://hooks.slack.com/services/T/B/X",
                                             channels: [.assigned: [.console, .slack]], digestMinutes: 5)
        let change = try #require(JSONValue.parse(Data(#"{"digestMinutes":null,"quietHours":{"from":"18:30","to":"06:00","daysOff":true}}"#.utf8)))
        let after = try before.applying(change, sites: [])
        #expect(after.email == before.email && after.slackWebhook == before.slackWebhook && after.channels == before.channels)
        #expect(after.digestMinutes == nil && after.quietHours == QuietHours(from: 1110, to: 360, daysOff: true))
        #expect(NotificationPreferences.shown(after.slackWebhook) == "https://hooks.slack.com/…")
    }

    @Test("the policy's notifications section sets the window and default channels, and names mistakes by line")
    func policySection() throws {
        let text = try String(contentsOf: PolicyTests.repoRoot.appendingPathComponent("policy/default.yaml"), encoding: .utf8)
        #expect(try PolicyParser.parse(text).notifications == NotificationSettings())
        let changed = text.replacingOccurrences(of: "  digestWindow: 15m", with: "  digestWindow: 30m")
            .replacingOccurrences(of: "    assigned: [console]", with: "    assigned: [email]")
        let policy = try PolicyParser.parse(changed)
        #expect(policy.notifications.digestMinutes == 30)
        #expect(policy.notifications.channels[.assigned] == [.console, .email])
        let bad = text.replacingOccurrences(of: "  digestWindow: 15m", with: "  digestWindow: soon")
            .replacingOccurrences(of: "    at_risk: [console]", with: "    later: [email]")
            .replacingOccurrences(of: "    breached: [console, email]", with: "    breached: [fax]")
        do {
            _ = try PolicyParser.parse(bad)
            Issue.record("a bad notifications section was accepted")
        } catch {
            let messages = error.issues.map(\.message)
            #expect(messages.contains { $0.hasPrefix("notifications.digestWindow must be whole minutes") })
            #expect(messages.contains { $0.contains("'later' is not a trigger") })
            #expect(messages.contains { $0.contains("'fax' is not a channel") })
        }
    }
}
