import Foundation
import Yams

/// Reads a `calendars.NAME` section.
enum CalendarSection {
    static let keys: Set<String> = ["timeZone", "workingHours", "workingDays", "holidays"]
    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    static func read(name: String, node: Node, _ r: YAMLNodeReader) -> BusinessCalendar? {
        _ = r.mapping(node, "calendar \(name)", allowed: keys)
        var ok = true
        var zone = TimeZone(identifier: "UTC")!
        if let zNode = r.child(node, "timeZone"), let id = r.string(zNode, "timeZone") {
            if let z = TimeZone(identifier: id) { zone = z } else { r.issue(zNode, "unknown time zone '\(id)' (use an IANA name like America/Chicago)"); ok = false }
        }
        var opens = 0, closes = 1440
        if let hNode = r.child(node, "workingHours"), let text = r.string(hNode, "workingHours") {
            if let (o, c) = parseHours(text), o < c { opens = o; closes = c } else {
                r.issue(hNode, "workingHours must look like 08:00-17:00 with the end after the start, found '\(text)'"); ok = false
            }
        }
        var days = Set(0...4)
        if let dNode = r.child(node, "workingDays") {
            days = []
            for item in r.sequence(dNode, "workingDays") {
                guard let s = r.string(item, "working day") else { continue }
                if let i = dayNames.firstIndex(of: s.lowercased()) { days.insert(i) } else { r.issue(item, "working day must be one of \(dayNames.joined(separator: ", ")), found '\(s)'"); ok = false }
            }
            if days.isEmpty { r.issue(dNode, "calendar \(name) has no working days"); ok = false }
        }
        var holidays = Set<LocalDate>()
        for item in r.sequence(r.child(node, "holidays"), "holidays") {
            guard let s = r.string(item, "holiday") else { continue }
            if let d = LocalDate(s) { holidays.insert(d) } else { r.issue(item, "holiday must be a date as YYYY-MM-DD, found '\(s)'"); ok = false }
        }
        return ok ? BusinessCalendar(name: name, timeZone: zone, opensAt: opens, closesAt: closes, workingDays: days, holidays: holidays) : nil
    }

    static func parseHours(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]) else { return nil }
        return (a, b)
    }

    static func minutes(_ hhmm: String) -> Int? {
        let p = hhmm.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }
}

/// Reads the sections that both the global policy and a site may state.
enum RulesSection {
    static let ruleKeys: Set<String> = ["queue", "sla", "atRiskFraction", "fulfilmentDependency", "breachQueue", "slaPause", "escalation"]
    static let pauseKeys: Set<String> = ["pauseWhenWaitingOn", "maxPaused"]
    static let priorityKeys: Set<String> = ["weights", "moneyCeiling", "tierScores"]
    static let weightKeys: Set<String> = ["moneyAtRisk", "age", "customerTier", "fulfilmentDependency", "breachRisk"]
    static let detectionKeys: Set<String> = ["priceTolerancePercent", "marginFloors", "recordMismatchTolerance", "creditTolerancePercent"]

    static func read(_ node: Node, base: SitePolicy, _ r: YAMLNodeReader) -> SitePolicy {
        var policy = base
        // Read first: exception types that state no pause rule of their own follow this one.
        if let p = r.child(node, "slaPause") { policy.slaPause = slaPause(p, base: policy.slaPause, name: "slaPause", r) }
        if let e = r.child(node, "escalation") { policy.escalation = EscalationSection.read(e, name: "escalation", r) }
        for (typeName, keyNode, ruleNode) in r.mapping(r.child(node, "exceptionTypes"), "exceptionTypes") {
            guard let type = ExceptionType(rawValue: typeName) else {
                r.issue(keyNode, "unknown exception type '\(typeName)' (see the taxonomy in DESIGN.md)")
                continue
            }
            policy.rules[type] = rule(ruleNode, base: policy.rule(for: type), pauseDefault: policy.slaPause,
                                      ladderDefault: policy.escalation, name: typeName, r)
        }
        if let p = r.child(node, "priority") { policy.priority = priority(p, base: policy.priority, r) }
        if let d = r.child(node, "detection") { policy.detection = detection(d, base: policy.detection, r) }
        return policy
    }

    static func rule(_ node: Node, base: ExceptionRule, pauseDefault: SLAPauseRule, ladderDefault: EscalationLadder,
                     name: String, _ r: YAMLNodeReader) -> ExceptionRule {
        var rule = base
        _ = r.mapping(node, name, allowed: ruleKeys)
        if let q = r.string(r.child(node, "queue"), "\(name).queue") { rule.queue = q }
        if let e = r.child(node, "escalation") { rule.escalation = EscalationSection.read(e, name: "\(name).escalation", r) }
        if let bNode = r.child(node, "breachQueue"), let b = r.string(bNode, "\(name).breachQueue") {
            rule.escalation = EscalationSection.adding(breachQueue: b, to: rule.escalation ?? ladderDefault, node: bNode, name: name, r)
        }
        for (tierName, keyNode, value) in r.mapping(r.child(node, "sla"), "\(name).sla") {
            guard let tier = CustomerTier(rawValue: tierName) else {
                r.issue(keyNode, "\(name).sla: unknown customer tier '\(tierName)' (\(CustomerTier.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            if let minutes = r.duration(value, "\(name).sla.\(tierName)") { rule.slaMinutes[tier] = minutes }
        }
        if let f = r.number(r.child(node, "atRiskFraction"), "\(name).atRiskFraction", range: 0.05...0.99) { rule.atRiskFraction = f }
        if let d = r.number(r.child(node, "fulfilmentDependency"), "\(name).fulfilmentDependency", range: 0...1) { rule.fulfilmentDependency = d }
        if let p = r.child(node, "slaPause") { rule.slaPause = slaPause(p, base: rule.slaPause ?? pauseDefault, name: "\(name).slaPause", r) }
        return rule
    }

    /// `{pauseWhenWaitingOn: [customer, supplier], maxPaused: 48h}`; either key may be left out.
    static func slaPause(_ node: Node, base: SLAPauseRule, name: String, _ r: YAMLNodeReader) -> SLAPauseRule {
        var rule = base
        _ = r.mapping(node, name, allowed: pauseKeys)
        if let list = r.child(node, "pauseWhenWaitingOn") {
            var parties = Set<WaitingParty>()
            for item in r.sequence(list, "\(name).pauseWhenWaitingOn") {
                guard let text = r.string(item, "\(name).pauseWhenWaitingOn"), let party = WaitingParty(rawValue: text) else {
                    r.issue(item, "\(name).pauseWhenWaitingOn: unknown party (\(WaitingParty.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                parties.insert(party)
            }
            rule.pausesFor = parties
        }
        if let max = r.child(node, "maxPaused") {
            // `none` lifts a limit a wider rule set.
            rule.maxPausedMinutes = max.scalar?.string == "none" ? nil : r.duration(max, "\(name).maxPaused")
        }
        return rule
    }

    static func priority(_ node: Node, base: PriorityWeights, _ r: YAMLNodeReader) -> PriorityWeights {
        var w = base
        _ = r.mapping(node, "priority", allowed: priorityKeys)
        let weights = r.child(node, "weights")
        for (key, _, value) in r.mapping(weights, "priority.weights", allowed: weightKeys) {
            guard let n = r.number(value, "priority.weights.\(key)", range: 0...100) else { continue }
            switch key {
            case "moneyAtRisk": w.moneyAtRisk = n
            case "age": w.age = n
            case "customerTier": w.customerTier = n
            case "breachRisk": w.breachRisk = n
            default: w.fulfilmentDependency = n
            }
        }
        if weights != nil, w.moneyAtRisk + w.age + w.customerTier + w.fulfilmentDependency + w.breachRisk <= 0 {
            r.issue(weights, "priority.weights must not all be zero")
        }
        if let c = r.number(r.child(node, "moneyCeiling"), "priority.moneyCeiling", range: 1...1e12) { w.moneyCeiling = c }
        for (tierName, keyNode, value) in r.mapping(r.child(node, "tierScores"), "priority.tierScores") {
            guard let tier = CustomerTier(rawValue: tierName) else { r.issue(keyNode, "priority.tierScores: unknown customer tier '\(tierName)'"); continue }
            if let n = r.number(value, "priority.tierScores.\(tierName)", range: 0...1) { w.tierScores[tier] = n }
        }
        return w
    }

    static func detection(_ node: Node, base: DetectionSettings, _ r: YAMLNodeReader) -> DetectionSettings {
        var d = base
        _ = r.mapping(node, "detection", allowed: detectionKeys)
        if let t = r.number(r.child(node, "priceTolerancePercent"), "detection.priceTolerancePercent", range: 0...100) { d.defaultPriceTolerancePercent = t }
        if let t = r.number(r.child(node, "recordMismatchTolerance"), "detection.recordMismatchTolerance", range: 0...1e9) { d.recordMismatchTolerance = t }
        if let t = r.number(r.child(node, "creditTolerancePercent"), "detection.creditTolerancePercent", range: 0...100) { d.creditTolerancePercent = t }
        for (family, _, value) in r.mapping(r.child(node, "marginFloors"), "detection.marginFloors") {
            if let f = r.number(value, "detection.marginFloors.\(family)", range: 0...0.99) { d.marginFloors[family] = f }
        }
        return d
    }
}
