/// Keyword rules that turn a customer's message into a `customer.request` finding. They are
/// the deterministic fallback a learned classifier will sit in front of.
public enum CustomerRequestRule {
    public enum Intent: String, Sendable, CaseIterable {
        case cancel, change, expedite, complaint, inquiry
    }

    static let keywords: [(Intent, [String])] = [
        (.cancel, ["cancel", "call off", "no longer need", "don't ship", "do not ship"]),
        (.expedite, ["urgent", "asap", "expedite", "rush", "sooner", "earlier", "as soon as possible"]),
        (.change, ["change", "modify", "update", "add ", "increase", "reduce", "instead of", "different address"]),
        (.complaint, ["complain", "damaged", "broken", "wrong item", "unacceptable", "disappointed", "missing"]),
    ]

    /// The intent the rules read in a text; `inquiry` when no keyword matches.
    public static func classify(_ text: String) -> (intent: Intent, matched: String?) {
        let lower = text.lowercased()
        for (intent, words) in keywords {
            if let word = words.first(where: { lower.contains($0) }) { return (intent, word.trimmingCharacters(in: .whitespaces)) }
        }
        return (.inquiry, nil)
    }

    static func findings(order: Order, context: ReferenceContext) -> [Finding] {
        context.messages.map { finding(message: $0, orderId: order.id, orderTotal: order.total) }
    }

    /// The finding for one message; `orderId` nil for a message about no particular order.
    public static func finding(message: CustomerMessage, orderId: String?, orderTotal: Money = .zero) -> Finding {
        let text = [message.subject, message.body].compactMap { $0 }.joined(separator: "\n")
        let (intent, matched) = classify(text)
        let what = orderId.map { "order \($0)" } ?? "their account"
        return Finding(
            type: .customerRequest, key: "message:\(message.messageId)",
            summary: "Customer asks to \(intent == .inquiry ? "know about" : intent.rawValue) \(what): \(String(message.subject ?? message.body).prefix(80))",
            evidence: [
                EvidenceItem(label: "intent", actual: intent.rawValue, note: matched.map { "matched \"\($0)\"" } ?? "no keyword matched"),
                EvidenceItem(label: "channel", actual: message.channel),
            ],
            moneyAtRisk: intent == .cancel ? orderTotal : .zero, decidedBy: "rules")
    }
}
