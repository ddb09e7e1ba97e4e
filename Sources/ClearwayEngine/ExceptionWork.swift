import ClearwayCore
import ClearwayStore
import Foundation

/// What a person can do to one exception from the queue or case view.
public enum ExceptionCommand: Sendable, Hashable {
    case claim
    /// Assign to someone; past their capacity only a supervisor may, with a reason.
    case assign(to: String, overCapacityReason: String? = nil)
    case unassign
    /// The exception waits on `party`; the policy says whether its SLA clock pauses.
    case wait(on: WaitingParty, reason: String)
    case resume
    case resolve(code: String, note: String?)
    /// Move the exception to another queue (supervisors); its SLA clock keeps running.
    case reroute(queue: String)
    /// A supervisor saw an escalation whose ladder rung asked for acknowledgement.
    case acknowledgeEscalation(note: String?)
}

extension ClearwayEngine {
    /// Applies a person's command to an exception; illegal transitions are refused with the
    /// reason, and nothing changes. Returns the case and the exception as they now stand.
    public func work(caseId: String, exceptionId: String, command: ExceptionCommand, by principal: Principal) async throws -> (CaseRecord, ExceptionRecord) {
        guard principal.role.allows(.workExceptions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot work exceptions") }
        if case .reroute(let queue) = command { return try await reroute(caseId: caseId, exceptionId: exceptionId, to: queue, by: principal) }
        let event: ExceptionLifecycle.Event
        switch command {
        case .claim:
            event = .assign(to: principal.name)
        case .assign(let who, _):
            guard principal.role.allows(.assignOthers) || who == principal.name else {
                throw EngineError.forbidden("role \(principal.role.rawValue) can only assign exceptions to itself; supervisors assign others")
            }
            event = .assign(to: who)
        case .unassign: event = .unassign
        case .wait(let party, let reason):
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw EngineError.invalid(field: "/reason", detail: "say what the exception is waiting for")
            }
            event = .wait(on: party, reason: reason)
        case .resume: event = .resume
        case .resolve(let code, let note):
            try Self.validateResolution(code: code, note: note)
            event = .resolve(code: code, note: note)
        case .acknowledgeEscalation:
            guard principal.role.allows(.assignOthers) else {
                throw EngineError.forbidden("role \(principal.role.rawValue) cannot acknowledge escalations; supervisors can")
            }
            event = .acknowledgeEscalation
        case .reroute:
            throw EngineError.conflict("re-routing is not a lifecycle step")
        }
        let now = clock.now()
        let policy = self.policy
        return try await database.transaction { tx in
            guard var caseRecord = try await tx.caseRecord(caseId) else { throw EngineError.notFound(what: "case", id: caseId) }
            var all = try await tx.exceptions(caseId: caseId)
            guard let i = all.firstIndex(where: { $0.id == exceptionId }) else { throw EngineError.notFound(what: "exception", id: exceptionId) }
            if case .assign(let who, let override) = command, who != principal.name {
                try await self.checkCapacity(of: who, type: all[i].type.rawValue, override: override, by: principal, tx: tx, policy: policy, now: now)
            }
            let reason: String? = switch command {
            case .assign(_, let override?): "over capacity: \(override)"
            case .wait(_, let r): r
            case .resolve(_, let note): note
            case .acknowledgeEscalation(let note): note
            default: nil
            }
            try await self.transition(&all[i], event, site: caseRecord.site, reason: reason, actor: principal.auditName, tx: tx,
                                      policy: policy, now: now)
            try await self.saveRollup(&caseRecord, exceptions: all, actor: principal.auditName, tx: tx, policy: policy, now: now)
            return (caseRecord, all[i])
        }
    }

    /// Refuses an assignment past the assignee's capacity unless a supervisor gives a reason.
    func checkCapacity(of who: String, type: String, override: String?, by principal: Principal, tx: StoreTransaction, policy: Policy,
                       now: Instant) async throws {
        let roster = try await roster(tx: tx, policy: policy, now: now)
        guard let refusal = WorkRouter.capacityRefusal(for: who, type: type, roster: roster) else { return }
        let reason = override?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard reason.isEmpty || !principal.role.allows(.overridePolicy) else { return }
        throw EngineError.conflict("\(refusal); a supervisor may assign past capacity with a reason (overCapacityReason)")
    }

    /// Moves an open exception to another queue the policy knows, keeping its SLA clock.
    func reroute(caseId: String, exceptionId: String, to queue: String, by principal: Principal) async throws -> (CaseRecord, ExceptionRecord) {
        guard principal.role.allows(.assignOthers) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot re-route exceptions; supervisors can") }
        let policy = self.policy, now = clock.now()
        guard policy.queues.contains(queue) else {
            throw EngineError.invalid(field: "/queue", detail: "must be one of the policy's queues (\(policy.queues.joined(separator: ", ")))")
        }
        return try await database.transaction { tx in
            guard let caseRecord = try await tx.caseRecord(caseId) else { throw EngineError.notFound(what: "case", id: caseId) }
            guard var record = try await tx.exception(exceptionId), record.caseId == caseId else { throw EngineError.notFound(what: "exception", id: exceptionId) }
            guard !record.lifecycle.state.isClosed else { throw EngineError.conflict("exception \(exceptionId) is \(record.lifecycle.state.rawValue); only open work is re-routed") }
            guard record.queue != queue else { throw EngineError.conflict("exception \(exceptionId) is already in \(queue)") }
            try await self.transition(&record, .reroute(from: record.queue, to: queue), site: caseRecord.site, reason: nil, actor: principal.auditName,
                                      tx: tx, policy: policy, now: now)
            return (caseRecord, record)
        }
    }

    /// Adds a comment to the case timeline.
    public func comment(caseId: String, exceptionId: String?, text: String, by principal: Principal) async throws -> AuditEntry {
        try authorize(principal, .workExceptions)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw EngineError.invalid(field: "/text", detail: "must not be empty") }
        guard trimmed.count <= 10_000 else { throw EngineError.invalid(field: "/text", detail: "must be at most 10000 characters") }
        let now = clock.now()
        let policy = self.policy
        return try await database.transaction { tx in
            guard try await tx.caseRecord(caseId) != nil else { throw EngineError.notFound(what: "case", id: caseId) }
            if let exceptionId, try await tx.exception(exceptionId)?.caseId != caseId {
                throw EngineError.notFound(what: "exception", id: exceptionId)
            }
            let entry = AuditEntry(at: now, actor: principal.auditName, caseId: caseId, exceptionId: exceptionId, action: "case.commented",
                                   reason: trimmed, policyVersion: policy.version)
            tx.audit(entry)
            return entry
        }
    }

    public static func validateResolution(code: String, note: String?) throws {
        let allowed = CharacterSet.lowercaseLetters.union(.decimalDigits).union(CharacterSet(charactersIn: "_"))
        guard (2...50).contains(code.count), code.unicodeScalars.allSatisfy(allowed.contains), code.first?.isLetter == true else {
            throw EngineError.invalid(field: "/code", detail: "must be a resolution code of 2–50 lowercase letters, digits or underscores (e.g. price_corrected)")
        }
        if code == "other", (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw EngineError.invalid(field: "/note", detail: "is required when the resolution code is 'other'")
        }
    }
}
