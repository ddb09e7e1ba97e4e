import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// Fires every timer due at the engine clock's now, in batches of `batchSize`, each batch
    /// in one transaction. At risk and breach escalate the exception and raise its priority
    /// (the age part grows); a ladder timer fires the rungs now due (notify, raise priority,
    /// reassign, ask for acknowledgement) and sets the next. Returns how many fired.
    @discardableResult
    public func fireDueTimers(batchSize: Int = 200) async throws -> Int {
        let now = clock.now()
        let policy = self.policy
        var fired = 0
        while true {
            let count = try await database.transaction { tx in
                let due = try await tx.claimDueTimers(now: now, limit: batchSize)
                guard !due.isEmpty else { return 0 }
                var decision = try await self.decision(actor: "system:sla", trigger: "SLA timers", tx: tx, policy: policy, now: now)
                for timer in due {
                    try await self.fire(timer, decision: &decision, tx: tx)
                    try await tx.markTimerFired(timer.id, at: now)
                }
                return due.count
            }
            fired += count
            if count < batchSize { return fired }
        }
    }

    func fire(_ timer: TimerRecord, decision: inout CaseDecision, tx: StoreTransaction) async throws {
        if timer.kind == .approval {
            return try await escalateApproval(timer, tx: tx, policy: decision.policy, now: decision.stamp.now)
        }
        // Lock the case first, then read its exceptions: another node firing this
        // exception's other timer must not leave us working on what it has just changed.
        guard let caseRecord = try await tx.caseRecord(timer.caseId) else { return }
        let all = try await tx.exceptions(caseId: timer.caseId)
        guard let index = all.firstIndex(where: { $0.id == timer.exceptionId }), !all[index].lifecycle.state.isClosed else { return }
        var hand = CaseInHand(stored: caseRecord, exceptions: all, changed: true)
        switch timer.kind {
        case .rung: _ = decision.climb(&hand, at: index)
        case .atRisk, .breach: guard decision.escalate(&hand, at: index, kind: timer.kind) else { return }
        case .approval: return
        }
        decision.rollUp(&hand)
        try await CaseWriter.write(decision.takeWrites(), tx: tx, engine: self, policy: decision.policy, now: decision.stamp.now)
    }
}
