/// One message to one person on one channel: a single notification, or a digest of all
/// that reached them within their window. Every channel's form (mail text and HTML, Slack
/// blocks, a Teams card) is composed here from the same items, so they say the same thing.
public struct NotificationMessage: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var notificationId: String
        public var trigger: NotificationTrigger
        public var title: String
        public var body: String
        /// The case page, when the console's public address is known.
        public var link: String?
    }

    /// Items listed in full; the rest are counted and left to the console.
    public static let listed = 25

    public var recipient: String
    public var items: [Item]
    /// The console's notifications page, when the public address is known.
    public var inbox: String?

    public init(recipient: String, notifications: [NotificationRecord], publicURL: String?) {
        let base = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.recipient = recipient
        self.items = notifications.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { n in
            Item(notificationId: n.id, trigger: n.trigger, title: n.title, body: n.body,
                 link: base.flatMap { b in n.caseId.map { "\(b)/console/cases/\($0)" } })
        }
        self.inbox = base.map { "\($0)/console/notifications" }
    }

    public var notificationIds: [String] { items.map(\.notificationId) }
    public var triggers: [NotificationTrigger] { Array(Set(items.map(\.trigger))).sorted { $0.rawValue < $1.rawValue } }

    public var subject: String {
        if items.count == 1 { return "[Clearway] \(Self.line(items[0].title))" }
        var counts: [NotificationTrigger: Int] = [:]
        for item in items { counts[item.trigger, default: 0] += 1 }
        let parts = counts.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
            .map { "\($0.value) \($0.key.phrase)" }
        return "[Clearway] \(items.count) notifications: \(parts.joined(separator: ", "))"
    }

    var shown: ArraySlice<Item> { items.prefix(Self.listed) }
    var more: Int { items.count - shown.count }

    public var text: String {
        var lines = [items.count == 1 ? "" : "\(items.count) notifications since your last message:", ""].filter { !$0.isEmpty }
        for item in shown {
            lines.append("- \(Self.line(item.title))")
            if !item.body.isEmpty { lines.append("  \(Self.line(item.body))") }
            if let link = item.link { lines.append("  \(link)") }
        }
        if more > 0 { lines.append("…and \(more) more.") }
        if let inbox { lines += ["", "All notifications: \(inbox)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    public var html: String {
        var out = "<!doctype html><html><body style=\"font-family:sans-serif\">"
        if items.count > 1 { out += "<p>\(items.count) notifications since your last message:</p>" }
        out += "<ul>"
        for item in shown {
            let title = HTMLText.escape(Self.line(item.title))
            let head = item.link.map { "<a href=\"\(HTMLText.escape($0))\">\(title)</a>" } ?? title
            out += "<li><strong>\(head)</strong><br>\(HTMLText.escape(Self.line(item.body)))</li>"
        }
        out += "</ul>"
        if more > 0 { out += "<p>…and \(more) more.</p>" }
        if let inbox { out += "<p><a href=\"\(HTMLText.escape(inbox))\">All notifications</a></p>" }
        return out + "</body></html>"
    }

    /// One line of text: line breaks become spaces, at most 300 characters.
    static func line(_ s: String) -> String {
        let flat = String(s.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
        return flat.count > 300 ? String(flat.prefix(299)) + "…" : flat
    }
}

extension NotificationTrigger {
    /// How a count of these reads in a digest's subject ("3 breached").
    public var phrase: String {
        switch self {
        case .assigned: "assigned to you"
        case .approvalWaiting: "approvals waiting"
        case .atRisk: "at risk"
        case .breached: "breached"
        case .escalation: "escalations"
        case .deadLetter: "dead letters"
        }
    }
}
