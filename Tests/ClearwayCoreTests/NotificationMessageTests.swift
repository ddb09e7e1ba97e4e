import ClearwayCore
import Foundation
import Testing

/// One message per person and channel: a burst becomes a digest that counts by trigger,
/// lists the first items with links to their cases, escapes what it quotes, and fits each
/// chat service's documented shape and limits.
@Suite("Notification messages")
struct NotificationMessageTests {
    static func burst(_ n: Int) -> [NotificationRecord] {
        (0..<n).map { i in
            NotificationRecord(id: "NTF-\(1000 + i)-1", requestId: "NTF-\(1000 + i)", recipient: "sam", trigger: i < n - 20 ? .breached : .escalation,
                               caseId: "CASE-\(i)", exceptionId: "EXC-\(i)", orderId: "SO-\(i)", title: "Breached: pricing on SO-\(i) <b>&",
                               body: "Rung 2 of 3 (breach)", createdAt: Instant(millis: 1_000_000 + Int64(i)))
        }
    }

    @Test("a burst of 200 is one message: counted by trigger in the subject, 25 listed with case links, the rest counted")
    func digest() {
        let message = NotificationMessage(recipient: "sam", notifications: Self.burst(200).reversed(), publicURL: "https://clearway.example.com/")
        #expect(message.subject == "[Clearway] 200 notifications: 180 breached, 20 escalations")
        #expect(message.notificationIds.count == 200 && message.notificationIds.first == "NTF-1000-1")
        #expect(message.text.contains("https://clearway.example.com/console/cases/CASE-0\n"))
        #expect(message.text.contains("…and 175 more."))
        #expect(message.text.contains("All notifications: https://clearway.example.com/console/notifications"))
        #expect(message.html.contains("Breached: pricing on SO-0 &lt;b&gt;&amp;") && !message.html.contains("<b>&"))
    }

    @Test("a single notification is titled by itself; without a public address there are no links")
    func single() {
        let message = NotificationMessage(recipient: "sam", notifications: Array(Self.burst(1)), publicURL: nil)
        #expect(message.subject == "[Clearway] Breached: pricing on SO-0 <b>&")
        #expect(!message.text.contains("http"))
    }

    @Test("Slack gets text and Block Kit blocks inside Slack's limits, with mrkdwn escaped")
    func slack() throws {
        let payload = NotificationMessage(recipient: "sam", notifications: Self.burst(200), publicURL: "https://c.example").slackPayload
        guard case .object(let top) = payload, case .array(let blocks)? = top["blocks"], case .string(let text)? = top["text"] else {
            Issue.record("not a Slack message: \(payload)"); return
        }
        #expect(!text.isEmpty && blocks.count <= 50)
        #expect(blocks.first?["type"] == .string("header"))
        let section = blocks[1]["text"]?["text"]?.stringValue ?? ""
        #expect(section.hasPrefix("*<https://c.example/console/cases/CASE-0|Breached: pricing on SO-0 &lt;b&gt;&amp;>*"))
        #expect(blocks.last?["type"] == .string("context"))
    }

    @Test("Teams gets one Adaptive Card attachment with a block per item and open-URL actions")
    func teams() {
        let payload = NotificationMessage(recipient: "sam", notifications: Self.burst(3), publicURL: "https://c.example").teamsPayload
        #expect(payload["type"] == .string("message"))
        guard case .array(let attachments)? = payload["attachments"], attachments.count == 1 else { Issue.record("no attachment"); return }
        let attachment: JSONValue? = attachments[0]
        #expect(attachment?["contentType"] == .string("application/vnd.microsoft.card.adaptive"))
        let card = attachment?["content"]
        #expect(card?["type"] == .string("AdaptiveCard") && card?["version"] == .string("1.4"))
        guard case .array(let body)? = card?["body"], case .array(let actions)? = card?["actions"] else { Issue.record("no body"); return }
        #expect(body.count == 1 + 2 * 3)
        #expect(actions.count == 4 && actions.last?["url"] == .string("https://c.example/console/notifications"))
    }
}
