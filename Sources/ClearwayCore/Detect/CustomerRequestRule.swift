/// Keyword rules that read a customer's message as a request type, and the finding a
/// message raises. The rules are the deterministic fallback behind the learned classifier:
/// they decide when no model serves, when it fails, or when it is less sure than policy
/// asks. Their request types are names the classifier also uses (see docs/TRIAGE.md).
public enum CustomerRequestRule {
    /// The request type when no keyword matches.
    public static let fallbackType = "inquiry"

    /// Every request type the rules can name.
    public static var requestTypes: [String] { keywords.map(\.0) + [fallbackType] }

    /// First match wins, so narrower readings come first ("cancel" before "change").
    static let keywords: [(String, [String])] = [
        ("cancel_order", ["cancel", "call off", "no longer need", "don't ship", "do not ship"]),
        ("complaint", ["complain", "damaged", "broken", "wrong item", "unacceptable", "disappointed", "missing"]),
        ("expedite_order", ["urgent", "asap", "expedite", "rush", "sooner", "earlier", "as soon as possible"]),
        ("change_shipping_address", ["different address", "shipping address", "delivery address", "ship to another"]),
        ("change_order", ["change", "modify", "update", "add ", "increase", "reduce", "instead of"]),
        ("get_refund", ["refund", "money back", "reimburse"]),
        ("payment_issue", ["payment", "charged", "card declined", "pay "]),
        ("check_invoice", ["invoice", "bill ", "billing", "statement"]),
        ("track_order", ["where is", "track", "tracking", "status of"]),
        ("delivery_period", ["when will", "arrive", "eta", "delivery date", "how long"]),
    ]

    /// The request type the rules read in a text, and the phrase that decided it.
    public static func classify(_ text: String) -> (requestType: String, matched: String?) {
        let lower = CustomerMessage.readable(text).lowercased()
        for (type, words) in keywords {
            if let word = words.first(where: { lower.contains($0) }) { return (type, word.trimmingCharacters(in: .whitespaces)) }
        }
        return (fallbackType, nil)
    }

    static func findings(order: Order, context: ReferenceContext) -> [Finding] {
        context.messages.map { finding(message: $0, orderId: order.id, orderTotal: order.total) }
    }

    /// The finding for one message; `orderId` nil for a message about no particular order.
    /// A message read at intake keeps that reading; one stored before triage existed is read
    /// by the rules now.
    public static func finding(message: CustomerMessage, orderId: String?, orderTotal: Money = .zero) -> Finding {
        let triage = message.triage
        let (requestType, matched) = triage.map { ($0.requestType, $0.note) } ?? classify(message.text)
        let what = orderId.map { "order \($0)" } ?? "their account"
        var evidence = [EvidenceItem(label: "request type", actual: requestType, note: reading(triage, matched: matched))]
        if let details = triage?.details {
            if !details.orderNumbers.isEmpty { evidence.append(EvidenceItem(label: "order numbers in text", actual: details.orderNumbers.joined(separator: ", "))) }
            if !details.skus.isEmpty { evidence.append(EvidenceItem(label: "items in text", actual: details.skus.joined(separator: ", "))) }
            if !details.quantities.isEmpty { evidence.append(EvidenceItem(label: "quantities in text", actual: details.quantities.joined(separator: ", "))) }
            if !details.dates.isEmpty { evidence.append(EvidenceItem(label: "dates in text", actual: details.dates.joined(separator: ", "))) }
        }
        evidence.append(EvidenceItem(label: "channel", actual: message.channel))
        var finding = Finding(
            type: .customerRequest, key: "message:\(message.messageId)",
            summary: "Customer request (\(requestType.replacingOccurrences(of: "_", with: " "))) about \(what): \(String(message.subject ?? message.body).prefix(80))",
            evidence: evidence,
            moneyAtRisk: requestType == "cancel_order" ? orderTotal : .zero, decidedBy: triage?.decidedBy.rawValue ?? "rules")
        finding.triage = triage
        finding.queue = triage?.queue
        return finding
    }

    static func reading(_ triage: MessageTriage?, matched: String?) -> String {
        guard let triage else { return matched.map { "rules matched \"\($0)\"" } ?? "rules: no keyword matched" }
        let confidence = triage.confidence.map { " (confidence \(Int(($0 * 100).rounded()))%)" } ?? ""
        switch triage.decidedBy {
        case .model: return "model \(triage.modelVersion ?? "?")\(confidence)"
        case .rules: return "rules\(triage.note.map { ": \($0)" } ?? "")"
        case .person: return triage.note ?? "corrected by a person"
        }
    }
}
