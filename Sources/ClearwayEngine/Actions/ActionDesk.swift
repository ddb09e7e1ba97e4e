import ClearwayCore
import ClearwayStore
import Foundation

extension ClearwayEngine {
    /// The dry run: what the action would do, which guardrails pass or fail and why, and
    /// who would have to approve it. Changes nothing.
    public func assessAction(caseId: String, exceptionId: String, parameters: ActionParameters, by principal: Principal) async throws -> ActionAssessment {
        guard principal.role.allows(.workExceptions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot act on exceptions") }
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            let (caseRecord, _) = try await self.openException(caseId: caseId, exceptionId: exceptionId, tx: tx)
            let context = try await self.actionContext(caseRecord: caseRecord, extraSkus: parameters.namedSkus, tx: tx, policy: policy, now: now)
            return ActionAssessment.assess(parameters, context: context, policy: policy.actions)
        }
    }

    /// A person asks for an action. Guardrails must pass unless a supervisor overrides them
    /// with a reason; policy thresholds may send it for approval first. The exception waits
    /// on the action from now on.
    public func requestAction(caseId: String, exceptionId: String, parameters: ActionParameters, overrideReason: String? = nil,
                              by principal: Principal) async throws -> ActionRecord {
        guard principal.role.allows(.workExceptions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot act on exceptions") }
        let override = try Self.overrideReason(overrideReason, principal: principal)
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            let (caseRecord, exception) = try await self.openException(caseId: caseId, exceptionId: exceptionId, tx: tx)
            if let holding = try await tx.actions(exceptionId: exceptionId).first(where: { $0.state.holdsException }) {
                throw EngineError.conflict("exception \(exceptionId) already waits on action \(holding.id) (\(holding.state.rawValue.replacingOccurrences(of: "_", with: " ")))")
            }
            let context = try await self.actionContext(caseRecord: caseRecord, extraSkus: parameters.namedSkus, tx: tx, policy: policy, now: now)
            let assessment = ActionAssessment.assess(parameters, context: context, policy: policy.actions)
            if !assessment.allowed && override == nil { throw EngineError.blocked(action: parameters.kind.rawValue, checks: assessment.failedChecks) }
            var action = ActionRecord(id: self.ids.next("ACT"), caseId: caseRecord.id, exceptionId: exception.id, parameters: parameters,
                                      state: .recommended, system: parameters.kind.system, requestedBy: principal.auditName,
                                      requesterId: principal.id, requestedAt: now, ruleId: nil, overrideReason: override,
                                      approval: assessment.approval, checks: assessment.checks, impact: assessment.impact)
            let steps = ActionSteps(engine: self, tx: tx, policy: policy, now: now, actor: principal.auditName)
            try await steps.create(&action, submit: true, needsApproval: assessment.approval != nil && override == nil, reason: assessment.summary)
            return action
        }
    }

    /// A person carries out an action a touchless rule only recommended.
    public func executeRecommendation(actionId: String, by principal: Principal) async throws -> ActionRecord {
        guard principal.role.allows(.workExceptions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot act on exceptions") }
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            guard var action = try await tx.action(actionId) else { throw EngineError.notFound(what: "action", id: actionId) }
            guard action.state == .recommended else { throw EngineError.conflict("action \(actionId) is \(action.state.rawValue), not a recommendation") }
            let (caseRecord, _) = try await self.openException(caseId: action.caseId, exceptionId: action.exceptionId, tx: tx)
            let context = try await self.actionContext(caseRecord: caseRecord, extraSkus: action.parameters.namedSkus, tx: tx, policy: policy, now: now)
            let assessment = ActionAssessment.assess(action.parameters, context: context, policy: policy.actions)
            guard assessment.allowed else { throw EngineError.blocked(action: action.kind.rawValue, checks: assessment.failedChecks) }
            action.requestedBy = principal.auditName
            action.requesterId = principal.id
            action.checks = assessment.checks
            action.impact = assessment.impact
            // An approval the touchless rule itself asked for (a variance above what it accepts alone) still holds.
            let ruleApproval = action.approval.flatMap { a in action.ruleId.map { a.rules.contains($0) } == true ? a : nil }
            action.approval = ApprovalRequirement.stricter(assessment.approval, ruleApproval)
            try await ActionSteps(engine: self, tx: tx, policy: policy, now: now, actor: principal.auditName)
                .move(&action, .submit(needsApproval: action.approval != nil), reason: "Recommendation executed: \(assessment.summary)")
            return action
        }
    }

    /// Approves or rejects an action waiting for approval. Four-eyes: the requester cannot
    /// decide. Guardrails are checked again on approval, since stock or exposure may have
    /// moved since the request.
    public func decideAction(actionId: String, approve: Bool, reason: String?, by principal: Principal) async throws -> ActionRecord {
        guard principal.role.allows(.approveActions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot approve actions") }
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !approve && trimmed.isEmpty { throw EngineError.invalid(field: "/reason", detail: "is required when rejecting") }
        if trimmed.count > 2_000 { throw EngineError.invalid(field: "/reason", detail: "must be at most 2000 characters") }
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            guard var action = try await tx.action(actionId) else { throw EngineError.notFound(what: "action", id: actionId) }
            guard action.state == .pendingApproval, let requirement = action.approval else {
                throw EngineError.conflict("action \(actionId) is \(action.state.rawValue.replacingOccurrences(of: "_", with: " ")), not waiting for approval")
            }
            do throws(ApprovalCheck.Refusal) { try ApprovalCheck.check(decider: principal, requesterId: action.requesterId, requirement: requirement.role) } catch {
                throw EngineError.forbidden(error.description)
            }
            if approve && action.overrideReason == nil {
                guard let caseRecord = try await tx.caseRecord(action.caseId) else { throw EngineError.notFound(what: "case", id: action.caseId) }
                let context = try await self.actionContext(caseRecord: caseRecord, extraSkus: action.parameters.namedSkus, tx: tx, policy: policy, now: now)
                let assessment = ActionAssessment.assess(action.parameters, context: context, policy: policy.actions)
                guard assessment.allowed else { throw EngineError.blocked(action: action.kind.rawValue, checks: assessment.failedChecks) }
                action.checks = assessment.checks
            }
            action.decidedBy = principal.auditName
            action.decidedAt = now
            action.decisionReason = trimmed.isEmpty ? nil : trimmed
            let latency = now.seconds(since: action.requestedAt)
            try await ActionSteps(engine: self, tx: tx, policy: policy, now: now, actor: principal.auditName)
                .move(&action, approve ? .approve : .reject, reason: trimmed.isEmpty ? nil : trimmed,
                      detail: .object(["approvalLatencySeconds": .number(latency), "requiredRole": .string(requirement.role.rawValue)]))
            return action
        }
    }

    /// Puts a dead-lettered action back in the outbox for a fresh round of attempts.
    public func retryAction(actionId: String, by principal: Principal) async throws -> ActionRecord {
        guard principal.role.allows(.replayDeadLetters) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot retry deliveries") }
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            guard var action = try await tx.action(actionId) else { throw EngineError.notFound(what: "action", id: actionId) }
            try await ActionSteps(engine: self, tx: tx, policy: policy, now: now, actor: principal.auditName)
                .move(&action, .retry, reason: "Retried by \(principal.name)")
            return action
        }
    }

    /// A supervisor skips an action that has not reached the source system yet, against
    /// policy if need be; the reason is mandatory and the audit row is flagged.
    public func skipAction(actionId: String, reason: String?, by principal: Principal) async throws -> ActionRecord {
        guard let why = try Self.overrideReason(reason ?? "", principal: principal, field: "/reason") else { throw EngineError.invalid(field: "/reason", detail: "is required") }
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            guard var action = try await tx.action(actionId) else { throw EngineError.notFound(what: "action", id: actionId) }
            if action.state == .queued, let row = try await tx.outbox(actionId: actionId),
               row.attempts > 0 || (row.leaseUntil.map { $0 > now } ?? false) {
                throw EngineError.conflict("action \(actionId) may already have reached \(action.system); wait for its answer")
            }
            let steps = ActionSteps(engine: self, tx: tx, policy: policy, now: now, actor: principal.auditName)
            try await steps.move(&action, .cancel, reason: why, detail: .object(["override": .bool(true)]))
            steps.audit(action, "action.overridden", before: nil, after: "skipped", reason: why, detail: .object(["override": .bool(true)]))
            if let row = try await tx.outbox(actionId: actionId), row.state == .pending {
                var dropped = row
                dropped.state = .dead
                dropped.lastError = "skipped by \(principal.name): \(why)"
                try await tx.updateOutbox(dropped)
            }
            return action
        }
    }

    func openException(caseId: String, exceptionId: String, tx: StoreTransaction) async throws -> (CaseRecord, ExceptionRecord) {
        guard let caseRecord = try await tx.caseRecord(caseId) else { throw EngineError.notFound(what: "case", id: caseId) }
        guard let exception = try await tx.exception(exceptionId), exception.caseId == caseId else {
            throw EngineError.notFound(what: "exception", id: exceptionId)
        }
        guard !exception.lifecycle.state.isClosed else { throw EngineError.conflict("exception \(exceptionId) is \(exception.lifecycle.state.rawValue); nothing to act on") }
        return (caseRecord, exception)
    }

    /// A policy override needs the permission and a reason of some substance.
    static func overrideReason(_ reason: String?, principal: Principal, field: String = "/overrideReason") throws -> String? {
        guard let reason else { return nil }
        guard principal.role.allows(.overridePolicy) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot override policy; a supervisor can") }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 10 else { throw EngineError.invalid(field: field, detail: "must say why in at least 10 characters") }
        guard trimmed.count <= 2_000 else { throw EngineError.invalid(field: field, detail: "must be at most 2000 characters") }
        return trimmed
    }
}
