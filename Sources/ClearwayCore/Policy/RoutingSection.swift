import Yams

/// `routing: {default: pull, queues: {credit: push}, weights: {credit.limit_exceeded: 2}}`:
/// how each queue's work finds its owner, and how much capacity each type takes.
enum RoutingSection {
    static func read(_ root: Node, queues: [String], _ r: YAMLNodeReader) -> RoutingSettings {
        var settings = RoutingSettings()
        guard let node = r.child(root, "routing") else { return settings }
        _ = r.mapping(node, "routing", allowed: ["default", "queues", "weights", "rebalanceWhenBreached"])
        let modes = RoutingMode.allCases.map(\.rawValue).joined(separator: ", ")
        if let modeNode = r.child(node, "default"), let text = r.string(modeNode, "routing.default") {
            if let mode = RoutingMode(rawValue: text) { settings.defaultMode = mode } else {
                r.issue(modeNode, "routing.default: '\(text)' is not a routing mode (\(modes))")
            }
        }
        if let n = r.child(node, "rebalanceWhenBreached") {
            if let text = r.string(n, "routing.rebalanceWhenBreached"), let count = Int(text), (0...1_000).contains(count) {
                settings.rebalanceWhenBreached = count
            } else {
                r.issue(n, "routing.rebalanceWhenBreached must be a whole number of breached items from 0 (never) to 1000")
            }
        }
        for (queue, keyNode, value) in r.mapping(r.child(node, "queues"), "routing.queues") {
            guard queues.contains(queue) else {
                r.issue(keyNode, "routing.queues: '\(queue)' is not a queue of the policy (\(queues.joined(separator: ", ")))")
                continue
            }
            guard let text = r.string(value, "routing.queues.\(queue)") else { continue }
            if let mode = RoutingMode(rawValue: text) { settings.modes[queue] = mode } else {
                r.issue(value, "routing.queues.\(queue): '\(text)' is not a routing mode (\(modes))")
            }
        }
        for (type, keyNode, value) in r.mapping(r.child(node, "weights"), "routing.weights") {
            guard ExceptionType(rawValue: type) != nil else {
                r.issue(keyNode, "routing.weights: '\(type)' is not an exception type")
                continue
            }
            guard let text = r.string(value, "routing.weights.\(type)"), let weight = Double(text), weight >= 0.5, weight <= 10 else {
                r.issue(value, "routing.weights.\(type) must be a number from 0.5 to 10")
                continue
            }
            settings.weights[type] = weight
        }
        return settings
    }
}
