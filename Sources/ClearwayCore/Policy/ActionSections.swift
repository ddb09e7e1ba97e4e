import Yams

/// Reads the acting sections of a policy: `guardrails`, `approvals`, `autoResolution` and
/// `connectors`. Absent sections keep the built-in defaults.
enum ActionSections {
    static let guardrailKeys: Set<String> = ["creditReleaseTolerancePercent", "transferDays", "maxPriceChangePercent", "maxCountAdjustmentUnits"]
    static let approvalKeys: Set<String> = ["id", "actions", "amountAbove", "priceChangePercentAbove", "overCreditLimit", "role", "escalateAfter"]
    static let autoKeys: Set<String> = ["mode", "rules"]
    static let ruleKeys: Set<String> = ["id", "exceptionType", "action", "enabled", "tiers", "maxVariancePercent", "approveUpToVariancePercent", "maxUnits", "maxOrderValue"]
    static let connectorKeys: Set<String> = ["url", "timeoutSeconds", "maxAttempts", "baseBackoffSeconds", "maxBackoffSeconds",
                                             "breakerFailures", "breakerOpenSeconds", "tokenEnv"]

    static func read(_ root: Node, _ r: YAMLNodeReader) -> ActionPolicy {
        var policy = ActionPolicy()
        if let node = r.child(root, "guardrails") { policy.guardrails = guardrails(node, r) }
        if let node = r.child(root, "approvals") { policy.approvals = r.sequence(node, "approvals").compactMap { approval($0, r) } }
        if let node = r.child(root, "autoResolution") { policy.autoResolution = autoResolution(node, r) }
        for (name, _, node) in r.mapping(r.child(root, "connectors"), "connectors") {
            if let c = connector(name, node, r) { policy.connectors[name] = c }
        }
        return policy
    }

    static func guardrails(_ node: Node, _ r: YAMLNodeReader) -> GuardrailSettings {
        var g = GuardrailSettings()
        _ = r.mapping(node, "guardrails", allowed: guardrailKeys)
        if let n = r.number(r.child(node, "creditReleaseTolerancePercent"), "guardrails.creditReleaseTolerancePercent", range: 0...100) { g.creditReleaseTolerancePercent = n }
        if let n = r.number(r.child(node, "transferDays"), "guardrails.transferDays", range: 0...60) { g.transferDays = Int(n) }
        if let n = r.number(r.child(node, "maxPriceChangePercent"), "guardrails.maxPriceChangePercent", range: 0...100) { g.maxPriceChangePercent = n }
        if let n = r.number(r.child(node, "maxCountAdjustmentUnits"), "guardrails.maxCountAdjustmentUnits", range: 0...1e9) { g.maxCountAdjustmentUnits = n }
        return g
    }

    static func approval(_ node: Node, _ r: YAMLNodeReader) -> ApprovalRule? {
        _ = r.mapping(node, "approval rule", allowed: approvalKeys)
        guard let id = r.string(r.child(node, "id"), "approvals[].id") else { r.issue(node, "each approval rule needs an id"); return nil }
        let actions = Set(r.sequence(r.child(node, "actions"), "approvals.\(id).actions").compactMap { kind($0, "approvals.\(id).actions", r) })
        if actions.isEmpty { r.issue(node, "approvals.\(id) must list at least one action") }
        var role: Role?
        if let roleNode = r.child(node, "role"), let name = r.string(roleNode, "approvals.\(id).role") {
            role = Role(rawValue: name)
            if role == nil || role?.allows(.approveActions) != true {
                r.issue(roleNode, "approvals.\(id).role must be a role that approves (\(Role.allCases.filter { $0.allows(.approveActions) }.map(\.rawValue).joined(separator: ", "))), found '\(name)'")
                role = nil
            }
        } else { r.issue(node, "approvals.\(id) needs a role") }
        let amount = r.number(r.child(node, "amountAbove"), "approvals.\(id).amountAbove", range: 0...1e12).map(Money.init(_:))
        let change = r.number(r.child(node, "priceChangePercentAbove"), "approvals.\(id).priceChangePercentAbove", range: 0...100)
        let overLimit = r.child(node, "overCreditLimit")?.scalar?.string == "true"
        if amount == nil && change == nil && !overLimit { r.issue(node, "approvals.\(id) needs a threshold: amountAbove, priceChangePercentAbove or overCreditLimit: true") }
        let escalateAfter = r.duration(r.child(node, "escalateAfter"), "approvals.\(id).escalateAfter")
        if let node = r.child(node, "escalateAfter"), role == .admin { r.issue(node, "approvals.\(id).escalateAfter: an admin's approval has no role above it") }
        guard let role, !actions.isEmpty else { return nil }
        var rule = ApprovalRule(id: id, actions: actions, amountAbove: amount, priceChangePercentAbove: change, overCreditLimit: overLimit, role: role)
        rule.escalateAfterMinutes = escalateAfter
        return rule
    }

    static func autoResolution(_ node: Node, _ r: YAMLNodeReader) -> AutoResolutionPolicy {
        var auto = AutoResolutionPolicy()
        _ = r.mapping(node, "autoResolution", allowed: autoKeys)
        if let modeNode = r.child(node, "mode"), let name = r.string(modeNode, "autoResolution.mode") {
            if let mode = AutoResolutionMode(rawValue: name) { auto.mode = mode } else {
                r.issue(modeNode, "autoResolution.mode must be act or recommend_only, found '\(name)'")
            }
        }
        var seen = Set<String>()
        for ruleNode in r.sequence(r.child(node, "rules"), "autoResolution.rules") {
            _ = r.mapping(ruleNode, "touchless rule", allowed: ruleKeys)
            guard let id = r.string(r.child(ruleNode, "id"), "autoResolution.rules[].id") else { r.issue(ruleNode, "each touchless rule needs an id"); continue }
            if !seen.insert(id).inserted { r.issue(ruleNode, "touchless rule id '\(id)' is used twice") }
            let typeName = r.string(r.child(ruleNode, "exceptionType"), "\(id).exceptionType")
            let type = typeName.flatMap(ExceptionType.init(rawValue:))
            if type == nil { r.issue(r.child(ruleNode, "exceptionType") ?? ruleNode, "\(id).exceptionType must be a type from the taxonomy, found '\(typeName ?? "nothing")'") }
            let actionName = r.string(r.child(ruleNode, "action"), "\(id).action")
            let action = actionName.flatMap(AutoAction.init(rawValue:))
            if action == nil {
                r.issue(r.child(ruleNode, "action") ?? ruleNode, "\(id).action must be one of \(AutoAction.allCases.map(\.rawValue).joined(separator: ", ")), found '\(actionName ?? "nothing")'")
            }
            var tiers = Set<CustomerTier>()
            for t in r.sequence(r.child(ruleNode, "tiers"), "\(id).tiers") {
                guard let name = r.string(t, "tier") else { continue }
                if let tier = CustomerTier(rawValue: name) { tiers.insert(tier) } else { r.issue(t, "\(id).tiers: unknown customer tier '\(name)'") }
            }
            let enabled = r.child(ruleNode, "enabled")?.scalar?.string != "false"
            guard let type, let action else { continue }
            let maxVariance = r.number(r.child(ruleNode, "maxVariancePercent"), "\(id).maxVariancePercent", range: 0...100)
            let approveUpTo = r.number(r.child(ruleNode, "approveUpToVariancePercent"), "\(id).approveUpToVariancePercent", range: 0...100)
            if let approveUpTo, approveUpTo < (maxVariance ?? 0) || maxVariance == nil {
                r.issue(r.child(ruleNode, "approveUpToVariancePercent") ?? ruleNode,
                        "\(id).approveUpToVariancePercent must be at least maxVariancePercent (it sends the variances between them for approval)")
            }
            auto.rules.append(AutoRule(id: id, exceptionType: type, action: action, enabled: enabled, tiers: tiers,
                                       maxVariancePercent: maxVariance, approveUpToVariancePercent: approveUpTo,
                                       maxUnits: r.number(r.child(ruleNode, "maxUnits"), "\(id).maxUnits", range: 0...1e9),
                                       maxOrderValue: r.number(r.child(ruleNode, "maxOrderValue"), "\(id).maxOrderValue", range: 0...1e12).map(Money.init(_:))))
        }
        return auto
    }

    static func connector(_ name: String, _ node: Node, _ r: YAMLNodeReader) -> ConnectorSettings? {
        _ = r.mapping(node, "connectors.\(name)", allowed: connectorKeys)
        guard let url = r.string(r.child(node, "url"), "connectors.\(name).url") else { r.issue(node, "connectors.\(name) needs a url"); return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { r.issue(r.child(node, "url"), "connectors.\(name).url must start with http:// or https://"); return nil }
        var c = ConnectorSettings(url: url)
        if let n = r.number(r.child(node, "timeoutSeconds"), "connectors.\(name).timeoutSeconds", range: 0.05...600) { c.timeoutSeconds = n }
        if let n = r.number(r.child(node, "maxAttempts"), "connectors.\(name).maxAttempts", range: 1...100) { c.maxAttempts = Int(n) }
        if let n = r.number(r.child(node, "baseBackoffSeconds"), "connectors.\(name).baseBackoffSeconds", range: 0.01...3600) { c.baseBackoffSeconds = n }
        if let n = r.number(r.child(node, "maxBackoffSeconds"), "connectors.\(name).maxBackoffSeconds", range: 0.01...86_400) { c.maxBackoffSeconds = n }
        if let n = r.number(r.child(node, "breakerFailures"), "connectors.\(name).breakerFailures", range: 1...1000) { c.breakerFailures = Int(n) }
        if let n = r.number(r.child(node, "breakerOpenSeconds"), "connectors.\(name).breakerOpenSeconds", range: 0.1...3600) { c.breakerOpenSeconds = n }
        c.tokenEnv = r.string(r.child(node, "tokenEnv"), "connectors.\(name).tokenEnv")
        return c
    }

    static func kind(_ node: Node, _ what: String, _ r: YAMLNodeReader) -> ActionKind? {
        guard let name = r.string(node, what) else { return nil }
        if let k = ActionKind(rawValue: name) { return k }
        r.issue(node, "\(what): unknown action '\(name)' (\(ActionKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        return nil
    }
}
