import ClearwayCore
import ClearwayStore

/// Writes what one move of an action means, inside the caller's transaction: the action
/// row, its outbox row, the exception it holds (waiting, resumed or resolved) and the
/// audit rows. People's requests, approvals, touchless rules, the dispatcher and result
/// events all go through here, so the effects of a move are the same whoever makes it.
struct ActionSteps {
    let engine: ClearwayEngine
    let tx: StoreTransaction
    let policy: Policy
    let now: Instant
    let actor: String
    /// The action's case as the caller holds it in this transaction, if it does: then the
    /// exception is settled there, and the caller rolls the case up and writes it.
    var work: CaseWork? = nil

    /// Stores a new action as recommended, then submits it unless it stays a recommendation.
    func create(_ action: inout ActionRecord, submit: Bool, needsApproval: Bool, reason: String) async throws {
        action.state = .recommended
        try await tx.insertAction(action)
        var detail: [String: JSONValue] = [
            "kind": .string(action.kind.rawValue), "parameters": action.parameters.json, "system": .string(action.system),
            "failedChecks": .array(action.checks.filter { !$0.passed }.map { .string("\($0.id): \($0.detail)") }),
        ]
        if let rule = action.ruleId { detail["rule"] = .string(rule) }
        if let approval = action.approval { detail["approval"] = .string("\(approval.role.rawValue): \(approval.reason)") }
        if let override = action.overrideReason { detail["override"] = .bool(true); detail["overrideReason"] = .string(override) }
        audit(action, "action.requested", before: nil, after: ActionState.recommended.rawValue, reason: reason, detail: .object(detail))
        if action.overrideReason != nil {
            audit(action, "action.overridden", before: nil, after: nil, reason: action.overrideReason,
                  detail: .object(["override": .bool(true), "bypassed": .array(action.checks.filter { !$0.passed }.map { .string($0.id) }
                                                                               + (action.approval.map { [.string("approval:\($0.role.rawValue)")] } ?? []))]))
        }
        if submit { try await move(&action, .submit(needsApproval: needsApproval), reason: reason) }
    }

    /// Applies a transition and its effects. Illegal moves are refused as conflicts.
    func move(_ action: inout ActionRecord, _ transition: ActionTransition, reason: String?, detail: JSONValue? = nil) async throws {
        let before = action.state
        do throws(ActionTransition.Illegal) { action.state = try transition.next(from: before) } catch { throw EngineError.conflict(error.description) }
        action.updatedAt = now
        if action.state == .completed || action.state == .failed { action.completedAt = now }
        if case .submit = transition { action.attempts = 0 }
        try await tx.updateAction(action)
        audit(action, "action.\(action.state.rawValue)", before: before.rawValue, after: action.state.rawValue, reason: reason, detail: detail)
        if action.state == .queued { try await enqueue(action, retry: before == .deadLettered) }
        if action.state == .pendingApproval, let approval = action.approval {
            var caseRecord = held(action.caseId)?.caseRecord
            if caseRecord == nil { caseRecord = try await tx.caseRecord(action.caseId) }
            if let minutes = approval.escalateAfterMinutes {
                try await tx.scheduleTimers([ClearwayEngine.approvalTimer(action, minutes: minutes, site: caseRecord?.site, policy: policy,
                                                                          now: now, ids: engine.ids)])
            }
            try await NotificationWriter.write(NotificationRequest(
                id: engine.ids.next("NTF"), trigger: .approvalWaiting, recipients: [.role(approval.role)], caseId: action.caseId,
                exceptionId: action.exceptionId, orderId: caseRecord?.orderId, queue: nil, assignee: nil,
                title: "Approval waiting: \(action.kind.label) on \(caseRecord?.orderKey ?? action.caseId)",
                body: "Asked by \(action.requestedBy): \(approval.reason)", at: now), tx: tx, engine: engine, policy: policy)
        }
        try await settleException(for: action, reason: reason)
    }

    private func enqueue(_ action: ActionRecord, retry: Bool) async throws {
        if retry, var row = try await tx.outbox(actionId: action.id) {
            row.state = .pending
            row.attempts = 0
            row.nextAttemptAt = now
            row.lastError = nil
            try await tx.updateOutbox(row)
            return
        }
        let payload: JSONValue = .object([
            "actionId": .string(action.id), "kind": .string(action.kind.rawValue), "parameters": action.parameters.json,
            "caseId": .string(action.caseId), "exceptionId": .string(action.exceptionId),
            "orderId": try await orderId(caseId: action.caseId).map(JSONValue.string) ?? .null,
            "requestedBy": .string(action.requestedBy), "approvedBy": action.decidedBy.map(JSONValue.string) ?? .null,
        ])
        var delivery = Delivery(id: engine.ids.next("OUT"), actionId: action.id, kind: .action, target: action.system,
                                payload: payload, idempotencyKey: "clearway-\(action.id)", createdAt: now)
        // The decision's trace; else the trace the case was opened in, when in hand.
        delivery.trace = TraceContext.current ?? held(action.caseId)?.caseRecord.trace
        try await tx.insertOutbox(delivery)
    }

    /// Puts the exception on hold while the action is pending, resolves it when the action
    /// completes, and hands it back to its queue when the action fails or is dropped.
    /// The caller's copy of this case, when it holds one.
    private func held(_ caseId: String) -> CaseWork? {
        work.flatMap { $0.caseRecord.id == caseId ? $0 : nil }
    }

    private func orderId(caseId: String) async throws -> String? {
        if let held = held(caseId) { return held.caseRecord.orderId }
        return try await tx.caseRecord(caseId)?.orderId
    }

    private func settleException(for action: ActionRecord, reason: String?) async throws {
        let held = held(action.caseId)
        guard var caseRecord = if let held { held.caseRecord } else { try await tx.caseRecord(action.caseId) } else { return }
        var all = if let held { held.exceptions } else { try await tx.exceptions(caseId: action.caseId) }
        guard let i = all.firstIndex(where: { $0.id == action.exceptionId }) else { return }
        let state = all[i].lifecycle.state
        let event: ExceptionLifecycle.Event?
        let note: String
        switch action.state {
        case .pendingApproval, .queued, .delivered:
            note = "Waiting on \(action.id) (\(action.kind.label))\(action.state == .pendingApproval ? " for approval" : "")"
            // An approver is the distributor's own; a source system applying the action is not a
            // party whose move stops the clock either (see `WaitingParty`).
            let party: WaitingParty = action.state == .pendingApproval ? .team : .system
            event = state == .open || state == .assigned ? .wait(on: party, reason: note) : nil
        case .completed:
            note = "\(action.kind.label) carried out in \(action.system) (\(action.id))\(action.ruleId.map { " by touchless rule \($0)" } ?? "")"
            event = state.isClosed ? nil : .actionCompleted(code: action.kind.resolutionCode, note: note, touchless: action.isTouchless)
        case .failed, .rejected, .deadLettered, .cancelled:
            note = "\(action.id) \(action.state.rawValue.replacingOccurrences(of: "_", with: " "))\(reason.map { ": \($0)" } ?? "")"
            let stillHeld = try await tx.actions(exceptionId: action.exceptionId).contains { $0.id != action.id && $0.state.holdsException }
            event = state == .waiting && !stillHeld ? .resume : nil
        case .recommended:
            return
        }
        guard let event else { return }
        if let held {
            // The caller writes the held case's changes with its own, in order.
            held.writes += try engine.writes(of: event, on: &all[i], site: caseRecord.site, reason: note, actor: actor, policy: policy, now: now)
            held.exceptions = all
            return
        }
        try await engine.transition(&all[i], event, site: caseRecord.site, reason: note, actor: actor, tx: tx, policy: policy, now: now)
        try await engine.saveRollup(&caseRecord, exceptions: all, actor: actor, tx: tx, policy: policy, now: now)
    }

    func audit(_ action: ActionRecord, _ name: String, before: String?, after: String?, reason: String?, detail: JSONValue?) {
        var fields = detail?.objectValue ?? [:]
        fields["actionId"] = .string(action.id)
        fields["kind"] = .string(action.kind.rawValue)
        if let rule = action.ruleId { fields["rule"] = .string(rule) }
        tx.audit(AuditEntry(at: now, actor: actor, caseId: action.caseId, exceptionId: action.exceptionId, action: name,
                            before: before, after: after, reason: reason, detail: .object(fields), policyVersion: policy.version))
    }
}

/// A case and its exceptions as one transaction holds them while it works on the case:
/// changes are made here and written once, instead of each step reading the case again.
final class CaseWork {
    var caseRecord: CaseRecord
    var exceptions: [ExceptionRecord]
    /// The case's order as stored, when the caller holds it (the guardrails then need not read it).
    let order: Order?
    /// Changes made to the held exceptions, for the caller to write.
    var writes: [CaseWrite] = []

    init(caseRecord: CaseRecord, exceptions: [ExceptionRecord], order: Order? = nil) {
        self.caseRecord = caseRecord
        self.exceptions = exceptions
        self.order = order
    }
}
