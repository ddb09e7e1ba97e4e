import Foundation
import Yams

/// Loads a policy from YAML. Site sections are read with the global policy as their base,
/// so a site only states what it changes.
public enum PolicyParser {
    static let topKeys: Set<String> = ["version", "calendars", "defaultCalendar", "priority", "detection", "slaPause", "escalation",
                                        "exceptionTypes", "sites", "statusMaps", "description",
                                        "guardrails", "approvals", "autoResolution", "connectors", "edi", "triage", "outbound",
                                        "notifications", "routing"]
    static let siteKeys: Set<String> = ["calendar", "priority", "detection", "slaPause", "escalation", "exceptionTypes", "description"]

    public static func parse(_ text: String) throws(PolicyRejected) -> Policy {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw PolicyRejected([PolicyIssue(line: 1, column: 1, message: "the policy is empty")]) }
            root = node
        } catch let rejected as PolicyRejected {
            throw rejected
        } catch let error as YamlError {
            throw PolicyRejected([issue(from: error)])
        } catch {
            throw PolicyRejected([PolicyIssue(line: 1, column: 1, message: "not a YAML document")])
        }
        let r = YAMLNodeReader()
        _ = r.mapping(root, "the policy", allowed: topKeys)
        let version = r.string(r.child(root, "version"), "version")
        if r.child(root, "version") == nil { r.issue(root, "version is required (e.g. version: \"2026.11.1\")") }

        var calendars: [String: BusinessCalendar] = [:]
        for (name, _, node) in r.mapping(r.child(root, "calendars"), "calendars") {
            if let cal = CalendarSection.read(name: name, node: node, r) { calendars[name] = cal }
        }
        var defaultCalendar = BusinessCalendar.alwaysOpen
        if let nameNode = r.child(root, "defaultCalendar"), let name = r.string(nameNode, "defaultCalendar") {
            if let cal = calendars[name] { defaultCalendar = cal } else { r.issue(nameNode, "defaultCalendar names unknown calendar '\(name)'") }
        } else if calendars.count == 1, let only = calendars.values.first {
            defaultCalendar = only
        }

        let builtIn = SitePolicy(calendar: defaultCalendar,
                                 rules: Dictionary(uniqueKeysWithValues: ExceptionType.allCases.map { ($0, ExceptionRule.builtIn(for: $0)) }),
                                 priority: PriorityWeights(), detection: DetectionSettings())
        let global = RulesSection.read(root, base: builtIn, r)

        var sites: [String: SitePolicy] = [:]
        for (siteId, _, node) in r.mapping(r.child(root, "sites"), "sites") {
            _ = r.mapping(node, "site \(siteId)", allowed: siteKeys)
            var site = RulesSection.read(node, base: global, r)
            if let calNode = r.child(node, "calendar"), let name = r.string(calNode, "sites.\(siteId).calendar") {
                if let cal = calendars[name] { site.calendar = cal } else { r.issue(calNode, "site \(siteId) names unknown calendar '\(name)'") }
            }
            sites[siteId] = site
        }

        var statusMaps: [String: [String: OrderStatus]] = [:]
        for (source, _, node) in r.mapping(r.child(root, "statusMaps"), "statusMaps") {
            var map: [String: OrderStatus] = [:]
            for (code, _, valueNode) in r.mapping(node, "statusMaps.\(source)") {
                guard let value = r.string(valueNode, "status for code \(code)") else { continue }
                if let status = OrderStatus(rawValue: value) { map[code] = status } else {
                    r.issue(valueNode, "statusMaps.\(source).\(code): '\(value)' is not a canonical status (\(OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            statusMaps[source] = map
        }
        let actions = ActionSections.read(root, r)
        let edi = EDISection.read(root, r)
        let triage = TriageSection.read(root, r)
        let outbound = OutboundSection.read(root, connectors: actions.connectors, r)
        let notifications = NotificationSection.read(root, r)
        var policy = Policy(version: version ?? "unversioned", global: global, sites: sites, statusMaps: statusMaps, actions: actions, edi: edi, triage: triage)
        policy.routing = RoutingSection.read(root, queues: policy.queues, r)
        if !r.issues.isEmpty { throw PolicyRejected(r.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }) }
        policy.outbound = outbound
        policy.notifications = notifications
        return policy
    }

    public static func load(contentsOf url: URL) throws -> Policy {
        try parse(try String(contentsOf: url, encoding: .utf8))
    }

    static func issue(from error: YamlError) -> PolicyIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            PolicyIssue(line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        default:
            PolicyIssue(line: 1, column: 1, message: "YAML could not be read")
        }
    }
}
