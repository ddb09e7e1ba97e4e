/// Where a notification can reach a person. The console always shows every notification;
/// the others are chosen per trigger.
public enum NotificationChannel: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case console, email, slack, teams

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Hours in which nothing is sent outside the console, read on the person's calendar:
/// `from`–`to` in minutes after local midnight (wrapping past midnight when `to < from`),
/// and, with `daysOff`, the calendar's weekends and holidays all day.
public struct QuietHours: Sendable, Codable, Hashable {
    public var from: Int
    public var to: Int
    public var daysOff: Bool

    public init(from: Int, to: Int, daysOff: Bool = false) { self.from = from; self.to = to; self.daysOff = daysOff }

    /// Minutes after midnight as HH:MM.
    public static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    /// Whether a local minute of day falls inside `from`–`to`.
    func covers(minute: Double) -> Bool {
        if from == to { return false }
        return from < to ? (Double(from) <= minute && minute < Double(to)) : (minute >= Double(from) || minute < Double(to))
    }

    /// When the quiet time around `instant` ends on `calendar`, or nil when `instant` is not
    /// quiet. Walks forward minute-exact over at most two weeks of days off.
    public func ends(after instant: Instant, on calendar: BusinessCalendar) -> Instant? {
        var at = instant
        for _ in 0..<40 {
            let (day, minute) = calendar.local(at)
            if daysOff && !calendar.isWorkingDay(day) {
                at = calendar.instant(day.adding(days: 1), minute: 0)
                continue
            }
            guard covers(minute: minute) else { return at == instant ? nil : at }
            // Inside from–to: jump to `to` (today, or tomorrow when the span wraps and we are before midnight).
            let end = Double(to)
            at = minute < end ? calendar.instant(day, minute: end) : calendar.instant(day.adding(days: 1), minute: end)
        }
        return at
    }
}

/// What a person chose: the channels per trigger, where each channel reaches them, quiet
/// hours on a site's calendar and the digest window that combines a burst into one message.
public struct NotificationPreferences: Sendable, Codable, Hashable {
    public var email: String?
    /// Incoming-webhook URLs; sealed at rest, never shown back in full.
    public var slackWebhook: String?
    public var teamsWebhook: String?
    /// Channels beyond the console, per trigger; a trigger not listed follows the policy's default.
    public var channels: [NotificationTrigger: Set<NotificationChannel>]
    public var quietHours: QuietHours?
    /// Whose calendar quiet hours are read on (a site id); nil: the global calendar.
    public var calendarSite: String?
    /// Notifications within this many minutes go as one message; nil: the policy's window.
    public var digestMinutes: Int?

    public init(email: String? = nil, slackWebhook: String? = nil, teamsWebhook: String? = nil,
                channels: [NotificationTrigger: Set<NotificationChannel>] = [:], quietHours: QuietHours? = nil,
                calendarSite: String? = nil, digestMinutes: Int? = nil) {
        self.email = email; self.slackWebhook = slackWebhook; self.teamsWebhook = teamsWebhook; self.channels = channels
        self.quietHours = quietHours; self.calendarSite = calendarSite; self.digestMinutes = digestMinutes
    }

    /// The channels beyond the console that `trigger` goes to: the person's choice or the
    /// policy's default, less the channels with nowhere to go.
    public func outside(_ trigger: NotificationTrigger, defaults: NotificationSettings) -> [NotificationChannel] {
        let chosen = channels[trigger] ?? defaults.channels[trigger] ?? []
        return chosen.filter { channel in
            switch channel {
            case .console: false
            case .email: email != nil
            case .slack: slackWebhook != nil
            case .teams: teamsWebhook != nil
            }
        }.sorted()
    }

    /// When a notification made at `at` may leave: after the digest window, and not
    /// inside quiet hours.
    public func due(at: Instant, defaults: NotificationSettings, calendar: BusinessCalendar) -> Instant {
        let window = at.adding(seconds: Double(digestMinutes ?? defaults.digestMinutes) * 60)
        return quietHours?.ends(after: window, on: calendar) ?? window
    }
}

/// The policy's defaults for people who have not chosen: the digest window and the
/// channels per trigger (where the person has an address for them).
public struct NotificationSettings: Sendable, Hashable {
    public var digestMinutes: Int
    public var channels: [NotificationTrigger: Set<NotificationChannel>]

    public init(digestMinutes: Int = 15, channels: [NotificationTrigger: Set<NotificationChannel>] = Self.standardChannels) {
        self.digestMinutes = digestMinutes; self.channels = channels
    }

    /// Escalations, breaches, approvals and dead letters go by e-mail too; the rest stay in the console.
    public static let standardChannels: [NotificationTrigger: Set<NotificationChannel>] = [
        .assigned: [.console], .atRisk: [.console], .breached: [.console, .email], .escalation: [.console, .email],
        .approvalWaiting: [.console, .email], .deadLetter: [.console, .email],
    ]
}
