import Yams

/// `notifications: {digestWindow: 15m, channels: {breached: [console, email], ...}}`: what
/// people who have not chosen receive beyond the console, and how long a burst is gathered
/// into one message. Each person may change both in their preferences.
enum NotificationSection {
    static func read(_ root: Node, _ r: YAMLNodeReader) -> NotificationSettings {
        var settings = NotificationSettings()
        guard let node = r.child(root, "notifications") else { return settings }
        _ = r.mapping(node, "notifications", allowed: ["digestWindow", "channels"])
        if let windowNode = r.child(node, "digestWindow"), let text = r.string(windowNode, "notifications.digestWindow") {
            if text == "0" || text == "0m" { settings.digestMinutes = 0 } else if let minutes = YAMLNodeReader.parseDuration(text),
                      minutes <= 1440, minutes == minutes.rounded() {
                settings.digestMinutes = Int(minutes)
            } else {
                r.issue(windowNode, "notifications.digestWindow must be whole minutes up to 24h (0 sends each alone), found '\(text)'")
            }
        }
        for (name, keyNode, value) in r.mapping(r.child(node, "channels"), "notifications.channels") {
            guard let trigger = NotificationTrigger(rawValue: name) else {
                r.issue(keyNode, "notifications.channels: '\(name)' is not a trigger (\(NotificationTrigger.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            var chosen: Set<NotificationChannel> = [.console]
            for channelNode in r.sequence(value, "notifications.channels.\(name)") {
                guard let text = r.string(channelNode, "a channel") else { continue }
                if let channel = NotificationChannel(rawValue: text) { chosen.insert(channel) } else {
                    r.issue(channelNode, "notifications.channels.\(name): '\(text)' is not a channel (\(NotificationChannel.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            settings.channels[trigger] = chosen
        }
        return settings
    }
}
