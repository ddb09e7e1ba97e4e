import ClearwayCore
import ClearwayStore

/// One request waiting for approval with what an approver needs to decide it: the case
/// (customer, tier, site), the exception (its finding and evidence) and the order's lines.
public struct ApprovalContext: Sendable {
    public var action: ActionRecord
    public var caseRecord: CaseRecord?
    public var exception: ExceptionRecord?
    public var order: Order?
}

extension ClearwayEngine {
    /// Requests waiting for approval, oldest first, each with its context. Reads each case
    /// once however many of its actions wait.
    public func approvalInbox(by principal: Principal, limit: Int = 500) async throws -> [ApprovalContext] {
        try authorize(principal, .readCases)
        let pending = try await queries.actions(state: .pendingApproval, limit: limit)
        var details: [String: (CaseRecord, [ExceptionRecord], Order?)] = [:]
        for caseId in Set(pending.map(\.caseId)) { details[caseId] = try await queries.detail(caseId) }
        return pending.map { a in
            let d = details[a.caseId]
            return ApprovalContext(action: a, caseRecord: d?.0, exception: d?.1.first { $0.id == a.exceptionId }, order: d?.2)
        }
    }
}
