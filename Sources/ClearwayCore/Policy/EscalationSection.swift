import Yams

/// Reads an `escalation` ladder: a list of rungs, each `at` a share of the SLA ("75%") or
/// after breach ("breach", "breach + 4h"), doing one or more of `notify`, `raisePriority`,
/// `reassign` and `requireAcknowledgement`; the last may `repeatEvery` business duration.
/// `escalation: none` clears a ladder a wider section set.
enum EscalationSection {
    static let rungKeys: Set<String> = ["at", "notify", "raisePriority", "reassign", "requireAcknowledgement", "repeatEvery"]

    static func read(_ node: Node, name: String, _ r: YAMLNodeReader) -> EscalationLadder {
        if node.scalar?.string == "none" { return .none }
        let items = r.sequence(node, name)
        var rungs: [EscalationRung] = []
        for (i, item) in items.enumerated() {
            let path = "\(name)[\(i + 1)]"
            guard let rung = rung(item, path: path, r) else { continue }
            if let previous = rungs.last, !(order(previous.at) < order(rung.at)) {
                r.issue(r.child(item, "at") ?? item, "\(path).at (\(rung.at.label)) must come after the rung before it (\(previous.at.label)): "
                        + "rungs are listed in the order they fire")
            }
            if rung.repeatEveryMinutes != nil, i != items.count - 1 {
                r.issue(r.child(item, "repeatEvery") ?? item, "\(path).repeatEvery: only the last rung may repeat")
            }
            rungs.append(rung)
        }
        return EscalationLadder(rungs)
    }

    static func rung(_ node: Node, path: String, _ r: YAMLNodeReader) -> EscalationRung? {
        _ = r.mapping(node, path, allowed: rungKeys)
        guard let atNode = r.child(node, "at") else { r.issue(node, "\(path) needs `at`: a share of the SLA (75%) or breach (breach + 4h)"); return nil }
        guard let text = r.string(atNode, "\(path).at") else { return nil }
        guard let at = threshold(text) else {
            r.issue(atNode, "\(path).at must be a share of the SLA up to 100% (like 75%), breach, or breach + a duration (like breach + 4h); found '\(text)'")
            return nil
        }
        var rung = EscalationRung(at: at)
        for item in r.sequence(r.child(node, "notify"), "\(path).notify") {
            guard let t = r.string(item, "\(path).notify") else { continue }
            if let recipient = recipient(t) { rung.notify.append(recipient) } else {
                r.issue(item, "\(path).notify: '\(t)' is not a recipient (assignee, queueLeads, role:NAME, person:USERNAME or address:MAILBOX@DOMAIN)")
            }
        }
        if let p = r.number(r.child(node, "raisePriority"), "\(path).raisePriority", range: 1...100) { rung.raisePriority = p }
        if let n = r.child(node, "reassign"), let t = r.string(n, "\(path).reassign") {
            if let target = reassignment(t) { rung.reassign = target } else {
                r.issue(n, "\(path).reassign must be queue:NAME or person:USERNAME, found '\(t)'")
            }
        }
        rung.requireAcknowledgement = r.flag(r.child(node, "requireAcknowledgement"), "\(path).requireAcknowledgement") ?? false
        if let every = r.child(node, "repeatEvery") { rung.repeatEveryMinutes = r.duration(every, "\(path).repeatEvery") }
        if rung.notify.isEmpty && rung.raisePriority == 0 && rung.reassign == nil && !rung.requireAcknowledgement {
            r.issue(node, "\(path) does nothing: give it notify, raisePriority, reassign or requireAcknowledgement")
        }
        return rung
    }

    /// "75%" → share 0.75; "breach" → 0 after breach; "breach + 4h" → 240 business minutes after.
    static func threshold(_ text: String) -> EscalationRung.Threshold? {
        let t = text.replacingOccurrences(of: " ", with: "").lowercased()
        if t.hasSuffix("%"), let n = Double(t.dropLast()), n > 0, n <= 100 { return n == 100 ? .afterBreach(minutes: 0) : .share(n / 100) }
        guard t.hasPrefix("breach") else { return nil }
        let rest = t.dropFirst("breach".count)
        if rest.isEmpty { return .afterBreach(minutes: 0) }
        guard rest.hasPrefix("+"), let m = YAMLNodeReader.parseDuration(String(rest.dropFirst())), m > 0 else { return nil }
        return .afterBreach(minutes: m)
    }

    static func recipient(_ text: String) -> EscalationRung.Recipient? {
        switch text {
        case "assignee": return .assignee
        case "queueLeads": return .queueLeads
        default: break
        }
        guard let (kind, value) = split(text) else { return nil }
        switch kind {
        case "role": return Role(rawValue: value).map(EscalationRung.Recipient.role)
        case "person": return .person(value)
        case "address": return isMailbox(value) ? .address(value) : nil
        default: return nil
        }
    }

    static func reassignment(_ text: String) -> EscalationRung.Reassignment? {
        guard let (kind, value) = split(text) else { return nil }
        return kind == "queue" ? .queue(value) : kind == "person" ? .person(value) : nil
    }

    static func split(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : (String(text[..<colon]), value)
    }

    /// One `@`, something either side, a dot in the domain, no spaces or angle brackets.
    static func isMailbox(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasSuffix("."), s.count <= 254 else { return false }
        return !s.contains { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" }
    }

    /// Thresholds in firing order whatever the SLA: shares before breach, then by offset.
    static func order(_ t: EscalationRung.Threshold) -> Double {
        switch t {
        case .share(let s): s
        case .afterBreach(let m): 1 + m
        }
    }

    /// `breachQueue: Q` (the short form older policies use) as a rung of `ladder`: the
    /// breach rung re-routes to Q, added when the ladder has none.
    static func adding(breachQueue queue: String, to ladder: EscalationLadder, node: Node, name: String, _ r: YAMLNodeReader) -> EscalationLadder {
        var ladder = ladder
        if let i = ladder.rungs.firstIndex(where: { $0.at == .afterBreach(minutes: 0) }) {
            if let other = ladder.rungs[i].reassign, other != .queue(queue) {
                r.issue(node, "\(name).breachQueue conflicts with the escalation ladder's breach rung, which reassigns to \(other.label)")
            }
            ladder.rungs[i].reassign = .queue(queue)
        } else {
            let at = ladder.rungs.firstIndex { order($0.at) > 1 } ?? ladder.rungs.count
            ladder.rungs.insert(EscalationRung(at: .afterBreach(minutes: 0), reassign: .queue(queue)), at: at)
        }
        return ladder
    }
}
