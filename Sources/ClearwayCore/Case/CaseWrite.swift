/// One change a decision about a case asks the store to make. Decisions in Core return
/// these instead of writing, so they run (and are tested) without a database; the engine
/// writes a list of them in order, merging neighbours into multi-row statements.
public enum CaseWrite: Sendable, Hashable {
    case insertCase(CaseRecord)
    case updateCase(CaseRecord)
    case insertException(ExceptionRecord)
    case updateException(ExceptionRecord)
    case scheduleTimers([TimerRecord])
    /// The exception's pending SLA timers stop counting.
    case cancelTimers(exceptionId: String)
    case audit(AuditEntry)
    /// The case of an order closed: an order that came by EDI is acknowledged now (855).
    case acknowledgeOrder(orderId: String, caseId: String)
    /// People are to be told (see `NotificationRequest`).
    case notify(NotificationRequest)
}

extension TimerRecord {
    /// The exception's SLA timers for the levels it has not reached yet, and one for the
    /// next rung of its escalation ladder (with `settings`, which say the ladder).
    public static func sla(for e: ExceptionRecord, settings: SLASettings?, ids: any IdentifierSource) -> [TimerRecord] {
        var timers: [TimerRecord] = []
        if e.lifecycle.escalation < .atRisk {
            timers.append(TimerRecord(id: ids.next("TMR"), exceptionId: e.id, caseId: e.caseId, kind: .atRisk, dueAt: e.sla.atRiskAt))
        }
        if e.lifecycle.escalation < .breached {
            timers.append(TimerRecord(id: ids.next("TMR"), exceptionId: e.id, caseId: e.caseId, kind: .breach, dueAt: e.sla.dueAt))
        }
        if let settings, let rung = ladder(for: e, settings: settings, ids: ids) { timers.append(rung) }
        return timers
    }

    /// The timer of the exception's next ladder rung; nil when the ladder is climbed.
    public static func ladder(for e: ExceptionRecord, settings: SLASettings, ids: any IdentifierSource) -> TimerRecord? {
        guard let next = settings.ladder.next(after: e.lifecycle.ladder, target: e.sla.targetMinutes) else { return nil }
        return TimerRecord(id: ids.next("TMR"), exceptionId: e.id, caseId: e.caseId, kind: .rung,
                           dueAt: e.sla.instant(whenUsed: next.usedMinutes, calendar: settings.calendar))
    }
}

/// Who decides and when: the same for every write of one decision.
public struct DecisionStamp: Sendable {
    public var now: Instant
    public var actor: String
    public var policyVersion: String
    public var ids: any IdentifierSource

    public init(now: Instant, actor: String, policyVersion: String, ids: any IdentifierSource) {
        self.now = now; self.actor = actor; self.policyVersion = policyVersion; self.ids = ids
    }
}

extension ExceptionRecord {
    /// Applies a lifecycle event and returns what it means as writes: the exception row,
    /// its SLA timers and one audit row per change. Throws (changing nothing) when the
    /// event is not legal in the exception's state. `restart` gives the new SLA clock when
    /// the event restarts it (a reopened exception); `sla`, the policy its clock follows
    /// (without it, waiting never pauses the clock).
    public mutating func handle(_ event: ExceptionLifecycle.Event, reason: String?, stamp: DecisionStamp, sla settings: SLASettings? = nil,
                                restart: (ExceptionRecord) -> SLAClock = { $0.sla }) throws(ExceptionLifecycle.TransitionError) -> [CaseWrite] {
        let effects = try lifecycle.handle(event)
        return record(effects, of: event, reason: reason, stamp: stamp, sla: settings, restart: restart)
    }

    /// Turns the effects a lifecycle transition returned into writes.
    public mutating func record(_ effects: [ExceptionLifecycle.Effect], of event: ExceptionLifecycle.Event, reason: String?,
                                stamp: DecisionStamp, sla settings: SLASettings? = nil, detail: JSONValue? = nil,
                                restart: (ExceptionRecord) -> SLAClock = { $0.sla }) -> [CaseWrite] {
        let now = stamp.now
        updatedAt = now
        var writes: [CaseWrite] = []
        func audit(_ action: String, before: String?, after: String?, reason: String?, detail: JSONValue? = nil) {
            writes.append(.audit(AuditEntry(at: now, actor: stamp.actor, caseId: caseId, exceptionId: id, action: action, before: before,
                                            after: after, reason: reason, detail: detail, policyVersion: stamp.policyVersion)))
        }
        for effect in effects {
            switch effect {
            case .stateChanged(let from, let to):
                closedAt = to.isClosed ? now : nil
                audit(Self.auditAction(for: event), before: from.rawValue, after: to.rawValue, reason: reason ?? lifecycle.resolution?.note,
                      detail: Self.auditDetail(for: event))
            case .assigneeChanged(let from, let to):
                audit(to == nil ? "exception.unassigned" : "exception.assignee_changed", before: from, after: to, reason: reason)
                // Someone else gave it to them (a supervisor, a rung of the ladder): they are told.
                if let to, !stamp.actor.hasPrefix("\(to) (") {
                    writes.append(.notify(NotificationRequest(
                        id: stamp.ids.next("NTF"), trigger: .assigned, recipients: [.person(to)], caseId: caseId, exceptionId: id, orderId: nil,
                        queue: queue, assignee: to, title: "Assigned to you: \(type.rawValue)",
                        body: "\(finding.summary) (\(queue); due \(sla.dueAt.iso8601))" + (reason.map { ". \($0)" } ?? ""), at: now)))
                }
            case .stopSLAClock:
                // A pause ends with the clock: its time counts as paused, the due time moves.
                if let settings, sla.isPaused { sla.resume(at: now, settings: settings) }
                writes.append(.cancelTimers(exceptionId: id))
            case .waitingStarted(let party):
                guard let settings, settings.pause.pausesFor.contains(party) else { break }
                guard sla.pause(at: now, on: party, settings: settings) else {
                    audit("sla.pause_refused", before: nil, after: nil, reason: "the SLA clock has been paused for its allowance "
                          + "(\(Self.minutes(sla.maxPausedMinutes ?? 0))); it keeps running", detail: .object(["waitingOn": .string(party.rawValue)]))
                    break
                }
                writes.append(.cancelTimers(exceptionId: id))
                // With an allowance, the clock runs again once it is used: the timers stay armed at the moved due times.
                if sla.maxPausedMinutes != nil { writes.append(.scheduleTimers(TimerRecord.sla(for: self, settings: settings, ids: stamp.ids))) }
                var detail: [String: JSONValue] = ["waitingOn": .string(party.rawValue)]
                if let allowance = sla.pauseAllowance { detail["allowanceMinutes"] = .number(allowance) }
                audit("sla.paused", before: SLAClock.State.running.rawValue, after: SLAClock.State.paused.rawValue, reason: reason, detail: .object(detail))
            case .waitingEnded:
                guard let settings, sla.isPaused else { break }
                let minutes = sla.resume(at: now, settings: settings)
                writes.append(.cancelTimers(exceptionId: id))
                writes.append(.scheduleTimers(TimerRecord.sla(for: self, settings: settings, ids: stamp.ids)))
                audit("sla.resumed", before: SLAClock.State.paused.rawValue, after: SLAClock.State.running.rawValue, reason: reason,
                      detail: .object(["pausedMinutes": .number(minutes), "dueAt": .string(sla.dueAt.iso8601)]))
            case .restartSLAClock:
                sla = restart(self)
                writes.append(.cancelTimers(exceptionId: id))
                writes.append(.scheduleTimers(TimerRecord.sla(for: self, settings: settings, ids: stamp.ids)))
            case .escalated(let level):
                audit(level == .breached ? "sla.breached" : "sla.at_risk", before: nil, after: level.rawValue, reason: reason,
                      detail: .object(["dueAt": .string(sla.dueAt.iso8601), "queue": .string(queue)]))
            case .rerouted(let from, let to):
                queue = to
                audit("exception.rerouted", before: from, after: to, reason: reason)
            case .climbed(let step):
                audit("escalation.rung_fired", before: nil, after: "rung \(step.rung + 1)", reason: reason, detail: detail)
            case .escalationAcknowledged:
                audit("escalation.acknowledged", before: "awaiting", after: "acknowledged", reason: reason)
            }
        }
        writes.append(.updateException(self))
        return writes
    }

    /// "90 min" or "2.5 h", for sentences.
    static func minutes(_ m: Double) -> String {
        m < 120 ? "\(Int(m.rounded())) min" : "\((m / 60 * 10).rounded() / 10) h"
    }

    static func auditAction(for event: ExceptionLifecycle.Event) -> String {
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
        case .climb: "escalation.rung_fired"
        case .acknowledgeEscalation: "escalation.acknowledged"
        }
    }

    static func auditDetail(for event: ExceptionLifecycle.Event) -> JSONValue? {
        switch event {
        case .resolve(let code, let note): .object(["resolutionCode": .string(code), "note": note.map(JSONValue.string) ?? .null])
        case .causeRemoved: .object(["resolutionCode": .string("cause_removed"), "automatic": .bool(true)])
        case .actionCompleted(let code, _, let touchless): .object(["resolutionCode": .string(code), "touchless": .bool(touchless)])
        case .wait(let party, _): .object(["waitingOn": .string(party.rawValue)])
        default: nil
        }
    }
}

extension CaseRecord {
    /// Rolls the case up from its exceptions (`rollUp`) and returns its row and what the
    /// roll-up means: `insert` for a case opened in this decision whose row is not written yet.
    public mutating func rolledUp(_ exceptions: [ExceptionRecord], insert: Bool = false, stamp: DecisionStamp) -> [CaseWrite] {
        let effects = rollUp(exceptions, now: stamp.now, policyVersion: stamp.policyVersion)
        var writes: [CaseWrite] = [insert ? .insertCase(self) : .updateCase(self)]
        for effect in effects {
            switch effect {
            case .stateChanged(let before, let after):
                writes.append(.audit(AuditEntry(at: stamp.now, actor: stamp.actor, caseId: id, exceptionId: nil, action: "case.state_changed",
                                                before: before.rawValue, after: after.rawValue, policyVersion: stamp.policyVersion)))
            case .acknowledgeOrder(let orderId):
                writes.append(.acknowledgeOrder(orderId: orderId, caseId: id))
            }
        }
        return writes
    }
}

extension Array where Element == CaseWrite {
    /// The same writes with each case and exception written once, in its final state, at
    /// its first write: an exception inserted and then put on hold by a touchless action in
    /// the same decision is inserted on hold. Nothing between the writes reads them, so
    /// the rows left behind are the same.
    public func coalesced() -> [CaseWrite] {
        var lastException: [String: ExceptionRecord] = [:], lastCase: [String: CaseRecord] = [:]
        for write in self {
            switch write {
            case .insertException(let e), .updateException(let e): lastException[e.id] = e
            case .insertCase(let c), .updateCase(let c): lastCase[c.id] = c
            default: break
            }
        }
        var writtenExceptions = Set<String>(), writtenCases = Set<String>()
        var out: [CaseWrite] = []
        out.reserveCapacity(count)
        for write in self {
            switch write {
            case .insertException(let e):
                writtenExceptions.insert(e.id)
                out.append(.insertException(lastException[e.id] ?? e))
            case .updateException(let e):
                if writtenExceptions.insert(e.id).inserted { out.append(.updateException(lastException[e.id] ?? e)) }
            case .insertCase(let c):
                writtenCases.insert(c.id)
                out.append(.insertCase(lastCase[c.id] ?? c))
            case .updateCase(let c):
                if writtenCases.insert(c.id).inserted { out.append(.updateCase(lastCase[c.id] ?? c)) }
            default:
                out.append(write)
            }
        }
        return out
    }
}
