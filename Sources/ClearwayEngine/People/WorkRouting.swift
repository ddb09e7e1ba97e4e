import ClearwayCore
import ClearwayStore

/// What Get next gave a person.
public enum NextOutcome: Sendable {
    case claimed(CaseRecord, ExceptionRecord, reason: String)
    case nothing(reason: String)
}

extension ClearwayEngine {
    /// The roster inside a transaction: everyone's profile and weighted open load.
    func roster(tx: StoreTransaction, policy: Policy, now: Instant) async throws -> Roster {
        let people = try await tx.people()
        let settings = policy.routing
        let load = try await tx.assignedLoad(weight: { settings.weight(of: $0) })
        return Roster(people: people, load: load, policy: policy, now: now)
    }

    /// Claims, atomically, the most urgent open item in a pull queue the person is skilled
    /// for and has room for. Candidates are read without locks; only the chosen row is
    /// locked (on PostgreSQL, skipping a row another node is taking, then the next), so two
    /// people pressing at once get two different items. Says why when there is nothing.
    public func getNext(by principal: Principal) async throws -> NextOutcome {
        try authorize(principal, .workExceptions)
        let policy = self.policy, now = clock.now()
        return try await database.transaction { tx in
            let roster = try await self.roster(tx: tx, policy: policy, now: now)
            let person = roster.people.first { $0.username == principal.name } ?? PersonProfile(username: principal.name)
            let queues = person.skills.queues.filter { policy.routing.mode(of: $0) == .pull }.sorted()
            var candidates = try await tx.routableItems(RoutableFilter(queues: queues, unassigned: true, limit: 50), now: now)
            let waiting = candidates.isEmpty ? try await tx.unassignedCounts() : [:]
            while true {
                switch WorkRouter.next(for: person, candidates: candidates, roster: roster, waiting: waiting) {
                case .nothing(let reason):
                    return .nothing(reason: reason)
                case .take(let item, let reason):
                    guard try await tx.lockUnassigned(item.exceptionId) else {
                        candidates.removeAll { $0.exceptionId == item.exceptionId }
                        continue
                    }
                    let (c, e) = try await self.assign(item, to: principal.name, reason: reason, actor: principal.auditName, tx: tx,
                                                       policy: policy, now: now)
                    return .claimed(c, e, reason: reason)
                }
            }
        }
    }

    /// Assigns one open exception inside the caller's transaction, with the routing reason
    /// in the timeline, and rolls its case up.
    @discardableResult
    func assign(_ item: RoutableItem, to who: String?, reason: String, actor: String, tx: StoreTransaction, policy: Policy,
                now: Instant) async throws -> (CaseRecord, ExceptionRecord) {
        guard var caseRecord = try await tx.caseRecord(item.caseId) else { throw EngineError.notFound(what: "case", id: item.caseId) }
        var all = try await tx.exceptions(caseId: item.caseId)
        guard let i = all.firstIndex(where: { $0.id == item.exceptionId }) else { throw EngineError.notFound(what: "exception", id: item.exceptionId) }
        try await transition(&all[i], who.map { .assign(to: $0) } ?? .unassign, site: caseRecord.site, reason: reason, actor: actor, tx: tx,
                             policy: policy, now: now)
        try await saveRollup(&caseRecord, exceptions: all, actor: actor, tx: tx, policy: policy, now: now)
        return (caseRecord, all[i])
    }

    /// One routing pass: hands an out-of-office person's open work to their delegate (or
    /// routes it on), gives it back when they return, moves work off people behind on SLA,
    /// and assigns unassigned work in push queues to the least-loaded skilled person on
    /// shift, most urgent first. Returns how many items moved. It decides first on a read
    /// snapshot and opens a write transaction (re-reading under locks) only when something
    /// would move, so an idle pass every second costs a few reads.
    @discardableResult
    public func routeWork(limit: Int = 100) async throws -> Int {
        let policy = self.policy, now = clock.now()
        let people = try await database.people()
        guard !people.isEmpty else { return 0 }
        let pushQueues = policy.routing.queues(.push, of: policy.queues)
        guard try await routingHasWork(people: people, pushQueues: pushQueues, policy: policy, now: now, limit: limit) else { return 0 }
        let actor = "system:routing"
        return try await database.transaction { tx in
            var moved = 0
            var roster = try await self.roster(tx: tx, policy: policy, now: now)
            for person in roster.people where person.availability.isOut(at: now) && roster.held(person.username) > 0 {
                let items = try await tx.routableItems(RoutableFilter(assignee: person.username, limit: limit), now: now, lock: true)
                for (item, to, reason) in WorkRouter.handOver(items, of: person, roster: roster) {
                    guard try await self.tryAssign(item, to: to, reason: reason, actor: actor, tx: tx, policy: policy, now: now) else { continue }
                    try await tx.recordDelegation(exceptionId: item.exceptionId, from: person.username, to: to, until: person.availability.until, at: now)
                    moved += 1
                }
            }
            let handed = try await tx.delegations()
            for person in roster.people where !person.availability.isOut(at: now) {
                guard let items = handed[person.username] else { continue }
                moved += try await self.giveBack(items, to: person, actor: actor, tx: tx, policy: policy, now: now)
            }
            if policy.routing.rebalanceWhenBreached > 0 {
                if moved > 0 { roster = try await self.roster(tx: tx, policy: policy, now: now) }
                let held = try await tx.routableItems(RoutableFilter(queues: pushQueues, assigned: true, limit: 10 * limit), now: now, lock: true)
                for (item, _, to, reason) in WorkRouter.rebalance(held, roster: roster) {
                    if try await self.tryAssign(item, to: to, reason: reason, actor: actor, tx: tx, policy: policy, now: now) { moved += 1 }
                }
            }
            if moved > 0 { roster = try await self.roster(tx: tx, policy: policy, now: now) }
            let waiting = try await tx.routableItems(RoutableFilter(queues: pushQueues, unassigned: true, limit: limit), now: now, lock: true)
            for (item, choice) in WorkRouter.plan(waiting, roster: roster) {
                guard let who = choice.assignee else { continue }
                if try await self.tryAssign(item, to: who, reason: "push routing: " + choice.reason, actor: actor, tx: tx, policy: policy, now: now) {
                    moved += 1
                }
            }
            return moved
        }
    }

    /// Whether a routing pass would move anything, decided on reads alone.
    func routingHasWork(people: [PersonProfile], pushQueues: [String], policy: Policy, now: Instant, limit: Int) async throws -> Bool {
        let settings = policy.routing
        let roster = Roster(people: people, load: try await database.assignedLoad(weight: { settings.weight(of: $0) }), policy: policy, now: now)
        if people.contains(where: { $0.availability.isOut(at: now) && roster.held($0.username) > 0 }) { return true }
        let handed = try await database.delegations()
        if people.contains(where: { !$0.availability.isOut(at: now) && handed[$0.username] != nil }) { return true }
        if settings.rebalanceWhenBreached > 0 {
            let held = try await database.routableItems(RoutableFilter(queues: pushQueues, assigned: true, limit: 10 * limit), now: now)
            if !WorkRouter.rebalance(held, roster: roster).isEmpty { return true }
        }
        let waiting = try await database.routableItems(RoutableFilter(queues: pushQueues, unassigned: true, limit: limit), now: now)
        return WorkRouter.plan(waiting, roster: roster).contains { $0.choice.assignee != nil }
    }

    /// `assign`, but an item whose state forbids the move (waiting on someone cannot go
    /// back to the queue) is left where it is instead of failing the pass.
    func tryAssign(_ item: RoutableItem, to who: String?, reason: String, actor: String, tx: StoreTransaction, policy: Policy,
                   now: Instant) async throws -> Bool {
        do {
            try await assign(item, to: who, reason: reason, actor: actor, tx: tx, policy: policy, now: now)
            return true
        } catch EngineError.conflict {
            return false
        }
    }

    /// Work handed over while `person` was out goes back to them: each item still open and
    /// still with whoever it was handed to (or still unassigned). The rest stays where it is.
    func giveBack(_ handed: [(exceptionId: String, to: String?)], to person: PersonProfile, actor: String, tx: StoreTransaction,
                  policy: Policy, now: Instant) async throws -> Int {
        var moved = 0
        for (exceptionId, holder) in handed {
            guard let record = try await tx.exception(exceptionId), !record.lifecycle.state.isClosed,
                  record.lifecycle.assignee == holder, let c = try await tx.caseRecord(record.caseId) else { continue }
            let item = RoutableItem(exceptionId: record.id, caseId: record.caseId, queue: record.queue, type: record.type.rawValue, site: c.site,
                                    segment: c.segment, customerId: c.customerId, priority: record.priority.score)
            let reason = "\(person.username) is back; returned from \(holder ?? "the queue")"
            if try await tryAssign(item, to: person.username, reason: reason, actor: actor, tx: tx, policy: policy, now: now) { moved += 1 }
        }
        try await tx.clearDelegations(from: person.username)
        return moved
    }
}
