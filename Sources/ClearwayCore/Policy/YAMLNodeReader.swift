import Yams

/// Walks a YAML node tree with typed accessors that record an issue (with its line) for
/// every missing, mistyped or unknown key, so `policy check` reports all problems at once.
final class YAMLNodeReader {
    private(set) var issues: [PolicyIssue] = []

    func issue(_ node: Node?, _ message: String) {
        let mark = node?.mark
        issues.append(PolicyIssue(line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// The mapping's entries by key; unknown keys are reported against `allowed`.
    func mapping(_ node: Node?, _ what: String, allowed: Set<String>? = nil) -> [(key: String, keyNode: Node, value: Node)] {
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            issue(node, "\(what) must be a mapping of keys to values")
            return []
        }
        var seen = Set<String>()
        var result: [(String, Node, Node)] = []
        for (k, v) in mapping {
            guard let key = k.string else { issue(k, "\(what): keys must be text"); continue }
            if !seen.insert(key).inserted { issue(k, "\(what): duplicate key '\(key)'") }
            if let allowed, !allowed.contains(key) {
                issue(k, "\(what): unknown key '\(key)' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            result.append((key, k, v))
        }
        return result
    }

    func child(_ node: Node?, _ key: String) -> Node? { node?.mapping?[key] }

    func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard let s = node.scalar?.string, !s.isEmpty else { issue(node, "\(what) must be text"); return nil }
        return s
    }

    func number(_ node: Node?, _ what: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard let node else { return nil }
        guard let s = node.scalar?.string, let n = Double(s), n.isFinite else {
            issue(node, "\(what) must be a number, found '\(node.scalar?.string ?? "a collection")'")
            return nil
        }
        if let range, !range.contains(n) {
            issue(node, "\(what) must be between \(fmt(range.lowerBound)) and \(fmt(range.upperBound)), found \(fmt(n))")
            return nil
        }
        return n
    }

    /// `true` or `false`; anything else is an issue.
    func flag(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default: issue(node, "\(what) must be true or false, found '\(node.scalar?.string ?? "a collection")'"); return nil
        }
    }

    func sequence(_ node: Node?, _ what: String) -> [Node] {
        guard let node else { return [] }
        guard let seq = node.sequence else { issue(node, "\(what) must be a list"); return [] }
        return Array(seq)
    }

    /// A duration such as `4h`, `90m` or `1h30m`, in minutes.
    func duration(_ node: Node?, _ what: String) -> Double? {
        guard let text = string(node, what) else { return nil }
        if let minutes = Self.parseDuration(text), minutes > 0 { return minutes }
        issue(node, "\(what) must be a positive duration like 4h, 90m or 1h30m, found '\(text)'")
        return nil
    }

    static func parseDuration(_ text: String) -> Double? {
        var total = 0.0, digits = "", sawUnit = false
        for ch in text.lowercased() where ch != " " {
            if ch.isNumber || ch == "." { digits.append(ch); continue }
            guard let n = Double(digits) else { return nil }
            switch ch {
            case "h": total += n * 60
            case "m": total += n
            default: return nil
            }
            digits = ""; sawUnit = true
        }
        return digits.isEmpty && sawUnit ? total : nil
    }

    private func fmt(_ n: Double) -> String { n == n.rounded() ? String(Int(n)) : String(n) }
}
