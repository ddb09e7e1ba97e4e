import ClearwayCore
import ClearwayStore

/// SLA timers: scheduled when an exception opens, fired by `SLATimerService`.
public enum SLATimers {
    static func timers(for e: ExceptionRecord, ids: any IdentifierSource) -> [TimerRecord] {
        [TimerRecord(id: ids.next("TMR"), exceptionId: e.id, caseId: e.caseId, kind: .atRisk, dueAt: e.sla.atRiskAt),
         TimerRecord(id: ids.next("TMR"), exceptionId: e.id, caseId: e.caseId, kind: .breach, dueAt: e.sla.dueAt)]
    }
}

extension ClearwayEngine {
    /// Fires every timer due at the engine clock's now, in batches of `batchSize`, each batch
    /// in one transaction. At risk and breach escalate the exception, raise its priority
    /// (the age part grows) and, on breach, re-route it where policy says. Returns how many fired.
    @discardableResult
    public func fireDueTimers(batchSize: Int = 200) async throws -> Int {
        let now = clock.now()
        let policy = self.policy
        var fired = 0
        while true {
            let count = try await database.transaction { tx in
                let due = try await tx.claimDueTimers(now: now, limit: batchSize)
                for timer in due {
                    try await self.fire(timer, tx: tx, now: now, policy: policy)
                    try await tx.markTimerFired(timer.id, at: now)
                }
                return due.count
            }
            fired += count
            if count < batchSize { return fired }
        }
    }

    func fire(_ timer: TimerRecord, tx: StoreTransaction, now: Instant, policy: Policy) async throws {
        // Lock the case first, then read its exceptions: another node firing this
        // exception's other timer must not leave us working on what it has just changed.
        guard var caseRecord = try await tx.caseRecord(timer.caseId) else { return }
        var all = try await tx.exceptions(caseId: timer.caseId)
        guard let index = all.firstIndex(where: { $0.id == timer.exceptionId }), !all[index].lifecycle.state.isClosed else { return }
        var exception = all[index]
        let event: ExceptionLifecycle.Event = timer.kind == .atRisk ? .slaAtRisk : .slaBreached
        guard let effects = try? exception.lifecycle.handle(event) else { return }
        let site = policy.site(caseRecord.site)
        let rule = site.rule(for: exception.type)
        let consumed = exception.sla.consumed(at: now, calendar: site.calendar)
        let risk = try await breachRiskPart(type: exception.type, queue: exception.queue, tier: caseRecord.customerTier, site: caseRecord.site,
                                            openedAt: exception.openedAt, dueAt: exception.sla.dueAt, money: exception.finding.moneyAtRisk,
                                            now: now, weights: site.priority, tx: tx)
        exception.priority = PriorityScore.compute(moneyAtRisk: exception.finding.moneyAtRisk, slaConsumed: consumed, tier: caseRecord.customerTier,
                                                   fulfilmentDependency: rule.fulfilmentDependency, breachRisk: risk, weights: site.priority)
        let reason = timer.kind == .atRisk
            ? "\(Int((rule.atRiskFraction * 100).rounded()))% of the SLA used; due \(exception.sla.dueAt.iso8601)"
            : "SLA of \(Int(exception.sla.targetMinutes)) business minutes passed at \(exception.sla.dueAt.iso8601)"
        try await ExceptionEffects.apply(effects, to: &exception, event: event, caseId: caseRecord.id, reason: reason, tx: tx, now: now,
                                         actor: "system:sla", policy: policy, ids: ids, restart: { $0.sla })
        // The escalation ladder's breach rung re-routes through the same lifecycle event a
        // supervisor's re-route uses.
        if timer.kind == .breach, let target = rule.breachQueue, target != exception.queue {
            let reroute = ExceptionLifecycle.Event.reroute(from: exception.queue, to: target)
            if let moved = try? exception.lifecycle.handle(reroute) {
                try await ExceptionEffects.apply(moved, to: &exception, event: reroute, caseId: caseRecord.id, reason: "Escalation ladder on SLA breach",
                                                 tx: tx, now: now, actor: "system:sla", policy: policy, ids: ids, restart: { $0.sla })
            }
        }
        all[index] = exception
        try await CaseRollup.save(&caseRecord, exceptions: all, tx: tx, now: now, actor: "system:sla", policy: policy)
    }
}
