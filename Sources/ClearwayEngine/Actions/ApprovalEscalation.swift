import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// An approval request waited its target (the policy's `escalateAfter`, business time
    /// on the case's site calendar): it goes to the next approver role, who is told, and
    /// waits again. Decided, withdrawn or already escalated requests are left alone.
    func escalateApproval(_ timer: TimerRecord, tx: StoreTransaction, policy: Policy, now: Instant) async throws {
        guard var action = try await tx.action(timer.exceptionId), action.state == .pendingApproval,
              var approval = action.approval, let minutes = approval.escalateAfterMinutes else { return }
        let from = approval.role
        guard approval.escalate() else { return }
        action.approval = approval
        action.updatedAt = now
        try await tx.updateAction(action)
        let reason = "Waited \(Int(minutes.rounded())) business minutes for a \(from.rawValue); now a \(approval.role.rawValue) (or higher) decides"
        tx.audit(AuditEntry(at: now, actor: "system:sla", caseId: action.caseId, exceptionId: action.exceptionId, action: "approval.escalated",
                            before: from.rawValue, after: approval.role.rawValue, reason: reason,
                            detail: .object(["actionId": .string(action.id), "kind": .string(action.kind.rawValue)]),
                            policyVersion: policy.version))
        let caseRecord = try await tx.caseRecord(action.caseId)
        try await NotificationWriter.write(NotificationRequest(
            id: ids.next("NTF"), trigger: .approvalWaiting, recipients: [.role(approval.role)], caseId: action.caseId,
            exceptionId: action.exceptionId, orderId: caseRecord?.orderId, queue: nil, assignee: nil,
            title: "Approval waiting: \(action.kind.label) on \(caseRecord?.orderKey ?? action.caseId)", body: reason, at: now),
            tx: tx, engine: self, policy: policy)
        if approval.role.nextApprover != nil {
            try await tx.scheduleTimers([Self.approvalTimer(action, minutes: minutes, site: caseRecord?.site, policy: policy, now: now, ids: ids)])
        }
    }

    /// The timer that sends a request waiting for approval on after `minutes` of business time.
    static func approvalTimer(_ action: ActionRecord, minutes: Double, site: String?, policy: Policy, now: Instant,
                              ids: any IdentifierSource) -> TimerRecord {
        let calendar = site.map { policy.site($0).calendar } ?? policy.global.calendar
        return TimerRecord(id: ids.next("TMR"), exceptionId: action.id, caseId: action.caseId, kind: .approval,
                           dueAt: calendar.adding(businessMinutes: minutes, to: now))
    }
}
