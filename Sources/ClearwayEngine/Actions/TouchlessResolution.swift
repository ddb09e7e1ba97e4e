import ClearwayCore
import ClearwayStore

extension CaseEvaluator {
    /// Offers each newly opened exception to the touchless rules. A proposal meets the same
    /// guardrails and approval thresholds as a person's request. It is carried out only when
    /// the policy is in `act` mode, nothing needs approval and a connector reaches the
    /// system; otherwise it is left as a recommendation a person can execute with one click.
    /// `work` holds the case and its exceptions as this evaluation has them; the actions'
    /// effects on them are made there, and the caller writes the case once. `exposure`, when
    /// the caller knows it, is the value of the customer's other open orders.
    func considerTouchless(_ opened: [ExceptionRecord], work: CaseWork, tier: CustomerTier, exposure: Money?) async throws {
        let auto = policy.actions.autoResolution
        let rules = auto.rules.filter(\.enabled)
        let types = Set(rules.map(\.exceptionType))
        let caseRecord = work.caseRecord
        var loaded: ActionContext?
        for exception in opened where types.contains(exception.type) {
            // What the guardrails look at is the case's, the same for each of its exceptions.
            let context = if let loaded { loaded } else { try await engine.actionContext(caseRecord: caseRecord, order: work.order, otherOpenValue: exposure,
                                                                                                tx: tx, policy: policy, now: now) }
            loaded = context
            guard let proposal = TouchlessPlanner.propose(type: exception.type, finding: exception.finding, tier: tier, context: context, rules: rules) else { continue }
            let assessment = ActionAssessment.assess(proposal.parameters, context: context, policy: policy.actions)
            let actor = "system:touchless"
            guard assessment.allowed else {
                tx.audit(AuditEntry(at: now, actor: actor, caseId: caseRecord.id, exceptionId: exception.id, action: "touchless.declined",
                                    reason: "Rule \(proposal.ruleId) proposed \(proposal.parameters.kind.label); \(assessment.summary)",
                                    detail: .object(["rule": .string(proposal.ruleId),
                                                     "failedChecks": .array(assessment.failedChecks.map { .string($0.id) })]),
                                    policyVersion: policy.version))
                continue
            }
            let reachable = engine.connectors.canReach(proposal.parameters.kind.system)
            let approval = ApprovalRequirement.stricter(assessment.approval, proposal.approval)
            let act = auto.mode == .act && approval == nil && reachable
            var why = "Rule \(proposal.ruleId): \(proposal.reason)"
            if !act {
                why += auto.mode == .recommendOnly ? " (recommend-only mode)"
                    : approval != nil ? " (needs \(approval?.role.rawValue ?? "") approval; recommended)"
                    : " (no connector reaches \(proposal.parameters.kind.system); recommended)"
            }
            var action = ActionRecord(id: engine.ids.next("ACT"), caseId: caseRecord.id, exceptionId: exception.id, parameters: proposal.parameters,
                                      state: .recommended, system: proposal.parameters.kind.system, requestedBy: actor,
                                      requesterId: "\(actor):\(proposal.ruleId)", requestedAt: now, ruleId: proposal.ruleId, overrideReason: nil,
                                      approval: approval, checks: assessment.checks, impact: assessment.impact)
            try await ActionSteps(engine: engine, tx: tx, policy: policy, now: now, actor: actor, work: work)
                .create(&action, submit: act, needsApproval: false, reason: why)
        }
    }
}
