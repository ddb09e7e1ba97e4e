extension NotificationPreferences {
    /// A person's change to their preferences, read from a JSON document: fields left out
    /// keep their value, `null` clears one. Every bad field is named, by JSON Pointer.
    public func applying(_ json: JSONValue, sites: Set<String>) throws(ValidationFailure) -> NotificationPreferences {
        let sink = ProblemSink()
        let r = FieldReader(json, problems: sink)
        var next = self
        if r.raw("email") == .null { next.email = nil } else if let e = r.string("email", required: false) {
            if let problem = Self.emailProblem(e) { r.fail("email", problem) } else { next.email = e }
        }
        for key in ["slackWebhook", "teamsWebhook"] {
            var value: String?? = .none
            if r.raw(key) == .null { value = .some(nil) } else if let u = r.string(key, required: false) {
                if let problem = Self.webhookProblem(u) { r.fail(key, problem) } else { value = .some(u) }
            }
            guard let value else { continue }
            if key == "slackWebhook" { next.slackWebhook = value } else { next.teamsWebhook = value }
        }
        if r.raw("channels") == .null { next.channels = [:] } else if let c = r.object("channels", required: false) {
            next.channels = Self.readChannels(c, raw: r.raw("channels"))
        }
        if r.raw("quietHours") == .null { next.quietHours = nil } else if let q = r.object("quietHours", required: false) {
            next.quietHours = Self.readQuiet(q)
        }
        if r.raw("calendarSite") == .null { next.calendarSite = nil } else if let s = r.string("calendarSite", required: false) {
            if sites.contains(s) { next.calendarSite = s } else {
                r.fail("calendarSite", "is not a site of the policy (\(sites.sorted().joined(separator: ", ")))")
            }
        }
        if r.raw("digestMinutes") == .null { next.digestMinutes = nil } else if let d = r.number("digestMinutes", required: false, min: 0, max: 1440) {
            if d == d.rounded() { next.digestMinutes = Int(d) } else { r.fail("digestMinutes", "must be a whole number of minutes") }
        }
        next.checkReachable(sink)
        try sink.check()
        return next
    }

    static func readChannels(_ r: FieldReader, raw: JSONValue?) -> [NotificationTrigger: Set<NotificationChannel>] {
        guard case .object(let fields)? = raw else { return [:] }
        var out: [NotificationTrigger: Set<NotificationChannel>] = [:]
        for key in fields.keys.sorted() {
            guard let trigger = NotificationTrigger(rawValue: key) else {
                r.fail(key, "is not a trigger (\(NotificationTrigger.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            var chosen: Set<NotificationChannel> = [.console]
            for name in r.strings(key, required: true) {
                guard let channel = NotificationChannel(rawValue: name) else {
                    r.fail(key, "'\(name)' is not a channel (\(NotificationChannel.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                chosen.insert(channel)
            }
            out[trigger] = chosen
        }
        return out
    }

    static func readQuiet(_ r: FieldReader) -> QuietHours? {
        let from = r.string("from").flatMap { text -> Int? in
            if let m = CalendarSection.minutes(text), m < 1440 { return m }
            r.fail("from", "must be a time of day as HH:MM, found \"\(text)\""); return nil
        }
        let to = r.string("to").flatMap { text -> Int? in
            if let m = CalendarSection.minutes(text) { return m }
            r.fail("to", "must be a time of day as HH:MM, found \"\(text)\""); return nil
        }
        let daysOff = r.bool("daysOff", required: false) ?? false
        guard let from, let to else { return nil }
        if from == to && !daysOff { r.fail("to", "must differ from from: quiet hours of no length") }
        return QuietHours(from: from, to: to, daysOff: daysOff)
    }

    /// A channel chosen for a trigger needs somewhere to go.
    func checkReachable(_ sink: ProblemSink) {
        for (trigger, chosen) in channels.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for channel in chosen.sorted() {
                let missing: String? = switch channel {
                case .console: nil
                case .email: email == nil ? "email" : nil
                case .slack: slackWebhook == nil ? "slackWebhook" : nil
                case .teams: teamsWebhook == nil ? "teamsWebhook" : nil
                }
                if let missing { sink.add("/channels/\(trigger.rawValue)", "\(channel.rawValue) is chosen but no \(missing) is set") }
            }
        }
    }

    /// Why `text` cannot be a mailbox: one `@`, no spaces or line breaks (they would
    /// forge mail headers), at most 254 characters.
    public static func emailProblem(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let bad = text.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F || "<>,;\"()[]\\".unicodeScalars.contains($0) }
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !bad,
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            return "must be one e-mail address like dana@example.com, found \"\(text.prefix(80))\""
        }
        return nil
    }

    /// Why `text` cannot be an incoming-webhook URL (http or https with a host; whether the
    /// host may be reached is the outbound policy's to say).
    public static func webhookProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        guard text.utf8.count <= 2048, lower.hasPrefix("https://") || lower.hasPrefix("http://"),
              !text.unicodeScalars.contains(where: { $0.value < 0x21 }) else {
            return "must be an https:// incoming-webhook URL"
        }
        return nil
    }

    /// A webhook URL as the person sees it back: scheme and host, the secret path hidden.
    public static func shown(_ url: String?) -> String? {
        guard let url else { return nil }
        let rest = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard rest.count >= 3 else { return "(set)" }
        return "\(rest[0])//\(rest[2])/…"
    }
}
