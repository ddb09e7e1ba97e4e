extension CaseDecision {
    /// An SLA timer fired for the exception at `index`: it escalates (at risk or breached)
    /// and its priority is recomputed with the SLA used so far. What else happens is the
    /// escalation ladder's work (`climb`). False when the exception is already past that level.
    public mutating func escalate(_ hand: inout CaseInHand, at index: Int, kind: TimerKind) -> Bool {
        var exception = hand.exceptions[index]
        let event: ExceptionLifecycle.Event = kind == .atRisk ? .slaAtRisk : .slaBreached
        guard let effects = try? exception.lifecycle.handle(event) else { return false }
        let rule = policy.site(hand.caseRecord.site).rule(for: exception.type)
        reprioritise(&exception, caseRecord: hand.caseRecord)
        let reason = kind == .atRisk
            ? "\(Int((rule.atRiskFraction * 100).rounded()))% of the SLA used; due \(exception.sla.dueAt.iso8601)"
            : "SLA of \(Int(exception.sla.targetMinutes)) business minutes passed at \(exception.sla.dueAt.iso8601)"
        writes += exception.record(effects, of: event, reason: reason, stamp: stamp)
        hand.exceptions[index] = exception
        hand.changed = true
        return true
    }

    /// The exception's ladder timer fired: every rung now due fires, in order, once each
    /// (repeats that fell due while no node ran collapse into one), and the timer of the
    /// next rung is set. False when no rung was due (the timer is set again all the same).
    public mutating func climb(_ hand: inout CaseInHand, at index: Int) -> Bool {
        var exception = hand.exceptions[index]
        guard !exception.lifecycle.state.isClosed else { return false }
        let caseRecord = hand.caseRecord
        let settings = policy.site(caseRecord.site).sla(for: exception.type)
        let ladder = settings.ladder, target = exception.sla.targetMinutes
        var used = exception.sla.used(at: stamp.now, calendar: settings.calendar)
        // The timer was set for the next rung's instant: business-minute rounding must not
        // leave that rung waiting for a timer that never comes.
        if let next = ladder.next(after: exception.lifecycle.ladder, target: target),
           exception.sla.instant(whenUsed: next.usedMinutes, calendar: settings.calendar) <= stamp.now {
            used = max(used, next.usedMinutes)
        }
        let steps = ladder.due(after: exception.lifecycle.ladder, used: used, target: target)
        for step in steps {
            let rung = ladder.rungs[step.rung]
            let event = ExceptionLifecycle.Event.climb(step, raise: rung.raisePriority, needsAcknowledgement: rung.requireAcknowledgement)
            guard let effects = try? exception.lifecycle.handle(event) else { break }
            let reason = Self.rungReason(step, of: ladder)
            writes += exception.record(effects, of: event, reason: reason, stamp: stamp, sla: settings, detail: Self.rungDetail(step, rung))
            if rung.raisePriority > 0 { reprioritise(&exception, caseRecord: caseRecord) }
            let because = "Escalation ladder, rung \(step.rung + 1) (\(rung.at.label))"
            switch rung.reassign {
            case .queue(let q) where q != exception.queue:
                try? transition(&exception, .reroute(from: exception.queue, to: q), caseRecord: caseRecord, reason: because)
            case .person(let p) where p != exception.lifecycle.assignee:
                try? transition(&exception, .assign(to: p), caseRecord: caseRecord, reason: because)
            default: break
            }
            if !rung.notify.isEmpty {
                let trigger = step.trigger(rung)
                writes.append(.notify(NotificationRequest(
                    id: stamp.ids.next("NTF"), trigger: trigger, recipients: rung.notify, caseId: caseRecord.id,
                    exceptionId: exception.id, orderId: caseRecord.orderId, queue: exception.queue, assignee: exception.lifecycle.assignee,
                    title: "\(trigger.heading): \(exception.type.rawValue) on \(caseRecord.orderKey)", body: reason, at: stamp.now)))
            }
        }
        if let timer = TimerRecord.ladder(for: exception, settings: settings, ids: stamp.ids) { writes.append(.scheduleTimers([timer])) }
        hand.exceptions[index] = exception
        hand.changed = true
        return !steps.isEmpty
    }

    /// The score again with the SLA used by now and the ladder's boost.
    mutating func reprioritise(_ exception: inout ExceptionRecord, caseRecord: CaseRecord) {
        let now = stamp.now
        let site = policy.site(caseRecord.site)
        let rule = site.rule(for: exception.type)
        let consumed = exception.sla.consumed(at: now, calendar: site.calendar)
        let risk = breachRiskPart(BreachRiskQuestion(type: exception.type, queue: exception.queue, tier: caseRecord.customerTier,
                                                     site: caseRecord.site, openedAt: exception.openedAt, dueAt: exception.sla.dueAt,
                                                     moneyAtRisk: exception.finding.moneyAtRisk, queueLoad: 0, now: now),
                                  weights: site.priority)
        exception.priority = PriorityScore.compute(moneyAtRisk: exception.finding.moneyAtRisk, slaConsumed: consumed,
                                                   tier: caseRecord.customerTier, fulfilmentDependency: rule.fulfilmentDependency,
                                                   breachRisk: risk, escalationBoost: exception.lifecycle.ladder.boost, weights: site.priority)
    }

    /// "Rung 2 of 3 (breach + 4h), repeat 2 (1 missed): notify role:supervisor; raise priority by 10"
    static func rungReason(_ step: LadderStep, of ladder: EscalationLadder) -> String {
        let rung = ladder.rungs[step.rung]
        var head = "Rung \(step.rung + 1) of \(ladder.rungs.count) (\(rung.at.label))"
        if step.repetition > 0 { head += ", repeat \(step.repetition)" }
        if step.missed > 0 { head += " (\(step.missed) more fell due while no node ran)" }
        return head + ": " + LadderStanding.does(rung, repeats: false)
    }

    static func rungDetail(_ step: LadderStep, _ rung: EscalationRung) -> JSONValue {
        guard case .object(var d) = rung.detail else { return rung.detail }
        d["rung"] = .number(Double(step.rung + 1))
        d["repetition"] = .number(Double(step.repetition))
        if step.missed > 0 { d["missed"] = .number(Double(step.missed)) }
        return .object(d)
    }
}
