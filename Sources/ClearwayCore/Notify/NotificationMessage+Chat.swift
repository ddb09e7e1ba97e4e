import Foundation

extension NotificationMessage {
    /// A Slack incoming-webhook message: `text` as the notification fallback and Block Kit
    /// `blocks` (a header, one section per item with a link, a context line), inside Slack's
    /// limits (50 blocks, 150 characters per header, 3000 per section).
    public var slackPayload: JSONValue {
        var blocks: [JSONValue] = [.object(["type": .string("header"),
                                            "text": Self.plain(String(subject.dropFirst("[Clearway] ".count).prefix(150)))])]
        for item in items.prefix(20) {
            let title = Self.slackEscape(Self.line(item.title))
            let head = item.link.map { "*<\($0)|\(title)>*" } ?? "*\(title)*"
            let text = String((head + "\n" + Self.slackEscape(Self.line(item.body))).prefix(3000))
            blocks.append(.object(["type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string(text)])]))
        }
        let rest = items.count - min(items.count, 20)
        var context = rest > 0 ? "…and \(rest) more." : ""
        if let inbox { context += (context.isEmpty ? "" : " ") + "<\(inbox)|All notifications>" }
        if !context.isEmpty {
            blocks.append(.object(["type": .string("context"),
                                   "elements": .array([.object(["type": .string("mrkdwn"), "text": .string(context)])])]))
        }
        return .object(["text": .string(Self.slackEscape(subject)), "blocks": .array(blocks)])
    }

    /// A Microsoft Teams incoming-webhook message: one Adaptive Card (1.4) attachment with a
    /// title, one block per item and an action per case link (at most 5) plus the inbox.
    public var teamsPayload: JSONValue {
        var body: [JSONValue] = [.object(["type": .string("TextBlock"), "text": .string(Self.line(subject)), "weight": .string("Bolder"),
                                          "size": .string("Medium"), "wrap": .bool(true)])]
        for item in items.prefix(20) {
            body.append(.object(["type": .string("TextBlock"), "text": .string(Self.line(item.title)), "weight": .string("Bolder"),
                                 "wrap": .bool(true), "spacing": .string("Medium")]))
            body.append(.object(["type": .string("TextBlock"), "text": .string(Self.line(item.body)), "wrap": .bool(true),
                                 "isSubtle": .bool(true)]))
        }
        let rest = items.count - min(items.count, 20)
        if rest > 0 { body.append(.object(["type": .string("TextBlock"), "text": .string("…and \(rest) more."), "wrap": .bool(true)])) }
        var actions: [JSONValue] = items.compactMap { item in
            item.link.map { Self.openURL(String(Self.line(item.title).prefix(40)), $0) }
        }.prefix(5).map { $0 }
        if let inbox { actions.append(Self.openURL("All notifications", inbox)) }
        var card: [String: JSONValue] = ["$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"),
                                         "type": .string("AdaptiveCard"), "version": .string("1.4"), "body": .array(body)]
        if !actions.isEmpty { card["actions"] = .array(actions) }
        return .object(["type": .string("message"), "attachments": .array([.object([
            "contentType": .string("application/vnd.microsoft.card.adaptive"), "contentUrl": .null, "content": .object(card),
        ])])])
    }

    static func plain(_ text: String) -> JSONValue { .object(["type": .string("plain_text"), "text": .string(text)]) }

    static func openURL(_ title: String, _ url: String) -> JSONValue {
        .object(["type": .string("Action.OpenUrl"), "title": .string(title), "url": .string(url)])
    }

    /// Slack's mrkdwn reads `&`, `<` and `>` as control characters; they are escaped as Slack documents.
    static func slackEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
