import ClearwayCore
import ClearwayIntegration
import ClearwayStore

/// Writes what a decision returned (`CaseWrite`, from Core) inside the caller's transaction,
/// in order, each case and exception once in its final state (`coalesced`). Neighbouring
/// inserts of cases or exceptions become one multi-row statement; timers and audit rows are
/// collected by the transaction and written at commit.
enum CaseWriter {
    static func write(_ writes: [CaseWrite], tx: StoreTransaction, engine: ClearwayEngine, policy: Policy, now: Instant) async throws {
        var cases: [CaseRecord] = [], exceptions: [ExceptionRecord] = []
        func flush() async throws {
            if !exceptions.isEmpty { try await tx.insertExceptions(exceptions); exceptions.removeAll() }
            if !cases.isEmpty { try await tx.insertCases(cases); cases.removeAll() }
        }
        for write in writes.coalesced() {
            switch write {
            case .insertCase(let c): cases.append(c)
            case .insertException(let e): exceptions.append(e)
            case .scheduleTimers(let timers): try await tx.scheduleTimers(timers)
            case .audit(let entry): tx.audit(entry)
            case .updateCase(let c):
                try await flush()
                try await tx.updateCase(c)
            case .updateException(let e):
                try await flush()
                try await tx.updateException(e)
            case .cancelTimers(let exceptionId):
                try await flush()
                try await tx.cancelTimers(exceptionId: exceptionId)
            case .acknowledgeOrder(let orderId, let caseId):
                try await flush()
                try await PurchaseOrderAcknowledgment.acknowledge(orderId: orderId, caseId: caseId, tx: tx, policy: policy, now: now)
            case .notify(let request):
                try await NotificationWriter.write(request, tx: tx, engine: engine, policy: policy)
            }
        }
        try await flush()
    }
}

extension Array where Element == CaseWrite {
    /// The writes with the trace of the work in progress on the cases they open and the
    /// audit rows they add: a batch writes them after its last order is decided, when the
    /// trace of each order's event is no longer current.
    func traced(_ trace: TraceContext? = .current) -> [CaseWrite] {
        guard let trace else { return self }
        if let notes = SpanNotes.current {
            notes.append("clearway.exception.ids", compactMap { if case .insertException(let e) = $0 { e.id } else { nil } })
        }
        return map { write in
            switch write {
            case .insertCase(var c) where c.trace == nil: c.trace = trace; return .insertCase(c)
            case .updateCase(var c) where c.trace == nil: c.trace = trace; return .updateCase(c)
            case .audit(var e) where e.trace == nil: e.trace = trace; return .audit(e)
            default: return write
            }
        }
    }
}

extension ClearwayEngine {
    /// Who decides and when, for a decision made in this engine.
    func stamp(_ actor: String, policy: Policy, now: Instant) -> DecisionStamp {
        DecisionStamp(now: now, actor: actor, policyVersion: policy.version, ids: ids)
    }

    /// Applies a lifecycle event to an exception of a case at `site` and writes what it
    /// means; an illegal event is refused as a conflict and nothing changes.
    func transition(_ record: inout ExceptionRecord, _ event: ExceptionLifecycle.Event, site: String, reason: String?, actor: String,
                    tx: StoreTransaction, policy: Policy, now: Instant) async throws {
        let writes = try writes(of: event, on: &record, site: site, reason: reason, actor: actor, policy: policy, now: now)
        try await CaseWriter.write(writes, tx: tx, engine: self, policy: policy, now: now)
    }

    /// What a lifecycle event means as writes, for the caller to make; an illegal event is
    /// refused as a conflict and the exception is left as it was. The exception's SLA
    /// clock follows the policy of its type at the case's site (a wait may pause it).
    func writes(of event: ExceptionLifecycle.Event, on record: inout ExceptionRecord, site: String, reason: String?, actor: String,
                policy: Policy, now: Instant) throws -> [CaseWrite] {
        do throws(ExceptionLifecycle.TransitionError) {
            return try record.handle(event, reason: reason, stamp: stamp(actor, policy: policy, now: now),
                                     sla: policy.site(site).sla(for: record.type))
        } catch { throw EngineError.conflict(error.description) }
    }

    /// Rolls a case up from its exceptions and writes it, with what the roll-up means.
    func saveRollup(_ caseRecord: inout CaseRecord, exceptions: [ExceptionRecord], actor: String, tx: StoreTransaction,
                    policy: Policy, now: Instant) async throws {
        let writes = caseRecord.rolledUp(exceptions, stamp: stamp(actor, policy: policy, now: now))
        try await CaseWriter.write(writes, tx: tx, engine: self, policy: policy, now: now)
    }
}
