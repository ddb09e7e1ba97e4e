import ClearwayCore
import ClearwayStore

/// Turns the effects a lifecycle transition returned into stored state: the exception row,
/// its SLA timers and one audit row per change.
enum ExceptionEffects {
    static func apply(_ effects: [ExceptionLifecycle.Effect], to record: inout ExceptionRecord, event: ExceptionLifecycle.Event,
                      caseId: String, reason: String?, tx: StoreTransaction, now: Instant, actor: String, policy: Policy,
                      ids: any IdentifierSource, restart: (ExceptionRecord) -> SLAClock) async throws {
        record.updatedAt = now
        for effect in effects {
            switch effect {
            case .stateChanged(let from, let to):
                record.closedAt = to.isClosed ? now : nil
                tx.audit(AuditEntry(at: now, actor: actor, caseId: caseId, exceptionId: record.id, action: action(for: event),
                                    before: from.rawValue, after: to.rawValue, reason: reason ?? record.lifecycle.resolution?.note,
                                    detail: detail(for: event), policyVersion: policy.version))
            case .assigneeChanged(let from, let to):
                tx.audit(AuditEntry(at: now, actor: actor, caseId: caseId, exceptionId: record.id, action: to == nil ? "exception.unassigned" : "exception.assignee_changed",
                                    before: from, after: to, reason: reason, policyVersion: policy.version))
            case .stopSLAClock:
                try await tx.cancelTimers(exceptionId: record.id)
            case .restartSLAClock:
                record.sla = restart(record)
                try await tx.cancelTimers(exceptionId: record.id)
                try await tx.scheduleTimers(SLATimers.timers(for: record, ids: ids))
            case .escalated(let level):
                tx.audit(AuditEntry(at: now, actor: actor, caseId: caseId, exceptionId: record.id,
                                    action: level == .breached ? "sla.breached" : "sla.at_risk",
                                    before: nil, after: level.rawValue, reason: reason,
                                    detail: .object(["dueAt": .string(record.sla.dueAt.iso8601), "queue": .string(record.queue)]),
                                    policyVersion: policy.version))
            case .rerouted(let from, let to):
                record.queue = to
                tx.audit(AuditEntry(at: now, actor: actor, caseId: caseId, exceptionId: record.id, action: "exception.rerouted",
                                    before: from, after: to, reason: reason, policyVersion: policy.version))
            }
        }
        try await tx.updateException(record)
    }

    static func action(for event: ExceptionLifecycle.Event) -> String {
        switch event {
        case .assign: "exception.assigned"
        case .unassign: "exception.unassigned"
        case .wait: "exception.waiting"
        case .resume: "exception.resumed"
        case .resolve: "exception.resolved"
        case .actionCompleted: "exception.resolved_by_action"
        case .causeRemoved: "exception.auto_resolved"
        case .causeReturned: "exception.reopened"
        case .cancel: "exception.cancelled"
        case .slaAtRisk: "sla.at_risk"
        case .slaBreached: "sla.breached"
        case .reroute: "exception.rerouted"
        }
    }

    static func detail(for event: ExceptionLifecycle.Event) -> JSONValue? {
        switch event {
        case .resolve(let code, let note): .object(["resolutionCode": .string(code), "note": note.map(JSONValue.string) ?? .null])
        case .causeRemoved: .object(["resolutionCode": .string("cause_removed"), "automatic": .bool(true)])
        case .actionCompleted(let code, _, let touchless): .object(["resolutionCode": .string(code), "touchless": .bool(touchless)])
        case .wait(let reason): .object(["waitingOn": .string(reason)])
        default: nil
        }
    }
}

/// Writes a case's roll-up (`CaseRecord.rollUp`, in Core) and carries out its effects: the
/// case-level audit row and, when an EDI order's case closes, its 855.
enum CaseRollup {
    /// Rolls the case up from its exceptions and writes it: `insert` for a case opened in
    /// this evaluation whose row is not written yet.
    static func save(_ c: inout CaseRecord, exceptions: [ExceptionRecord], tx: StoreTransaction, now: Instant, actor: String, policy: Policy,
                     insert: Bool = false) async throws {
        let effects = c.rollUp(exceptions, now: now, policyVersion: policy.version)
        if insert { try await tx.insertCase(c) } else { try await tx.updateCase(c) }
        for effect in effects {
            switch effect {
            case .stateChanged(let before, let after):
                tx.audit(AuditEntry(at: now, actor: actor, caseId: c.id, exceptionId: nil, action: "case.state_changed",
                                    before: before.rawValue, after: after.rawValue, policyVersion: policy.version))
            case .acknowledgeOrder(let orderId):
                try await PurchaseOrderAcknowledgment.acknowledge(orderId: orderId, caseId: c.id, tx: tx, policy: policy, now: now)
            }
        }
    }
}
