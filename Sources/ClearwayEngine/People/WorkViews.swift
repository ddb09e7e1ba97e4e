import ClearwayCore
import ClearwayStore
import Foundation

/// A person's own work: what is assigned to them, at risk first, and the approvals they may give.
public struct MyWork: Sendable {
    public var assigned: [QueueItem]
    public var approvals: [ActionRecord]
}

/// The supervisor's picture: each person's load against capacity, each queue's flow.
public struct WorkloadReport: Sendable {
    public var people: [PersonWorkload]
    public var queues: [QueueFlow]
}

extension ClearwayEngine {
    public func myWork(by principal: Principal, limit: Int = 200) async throws -> MyWork {
        try authorize(principal, .readCases)
        let now = clock.now()
        let assigned = try await database.assignedWork(to: principal.name, limit: limit).sorted { a, b in
            let ra = a.exception.sla.scheduledAtRiskAt <= now, rb = b.exception.sla.scheduledAtRiskAt <= now
            if ra != rb { return ra }
            if a.exception.sla.scheduledDueAt != b.exception.sla.scheduledDueAt { return a.exception.sla.scheduledDueAt < b.exception.sla.scheduledDueAt }
            return a.exception.priority.score > b.exception.priority.score
        }
        var approvals: [ActionRecord] = []
        if principal.role.allows(.approveActions) {
            approvals = try await queries.actions(state: .pendingApproval, limit: 500).filter { a in
                a.requesterId != principal.id && (a.approval.map { principal.role.canApprove($0.role) } ?? false)
            }
        }
        return MyWork(assigned: assigned, approvals: approvals)
    }

    public func workload(days: Int, by principal: Principal) async throws -> WorkloadReport {
        try authorize(principal, .readCases)
        guard (1...60).contains(days) else { throw EngineError.invalid(field: "/query/days", detail: "must be between 1 and 60") }
        let policy = self.policy, now = clock.now()
        let entries = try await roster(by: principal)
        let counts = try await database.assigneeCounts(now: now)
        let settings = policy.routing
        let load = try await database.assignedLoad(weight: { settings.weight(of: $0) })
        let shown = entries.filter { !$0.profile.skills.queues.isEmpty || counts[$0.user.username] != nil }
        let people = shown.map { e in
            let c = counts[e.user.username] ?? AssigneeCounts()
            return PersonWorkload(username: e.user.username, displayName: e.user.displayName, availability: e.profile.availability.label(at: now),
                                  capacity: e.profile.capacity, load: load[e.user.username] ?? 0, open: c.open, atRisk: c.atRisk,
                                  breached: c.breached, queues: e.profile.skills.queues.sorted())
        }
        let today = LocalDate(dayNumber: Int(now.millis / 86_400_000))
        let start = today.adding(days: -(days - 1))
        let flows = try await database.queueFlows(since: Instant(millis: Int64(start.dayNumber) * 86_400_000), now: now)
        let queues = policy.queues.map { queue in
            let f = flows[queue] ?? (0, 0, [:])
            let daysList = (0..<days).map { i -> QueueFlow.Day in
                let d = start.adding(days: i)
                let pair = f.days[d] ?? (0, 0)
                return QueueFlow.Day(date: d, inflow: pair.0, resolved: pair.1)
            }
            return QueueFlow(queue: queue, mode: settings.mode(of: queue), open: f.open, unassigned: f.unassigned, days: daysList)
        }
        return WorkloadReport(people: people, queues: queues)
    }

    // MARK: Saved views

    public func savedViews(by principal: Principal) async throws -> [SavedView] {
        try authorize(principal, .readCases)
        let mine = try await database.people().first { $0.username == principal.name }
        let queues = mine?.skills.queues ?? []
        return try await database.savedViews(visibleTo: principal.name)
            .filter { $0.isVisible(to: principal.name, queues: queues, seesAll: principal.role.allows(.assignOthers)) }
    }

    public func saveView(_ draft: SavedView, by principal: Principal) async throws -> SavedView {
        try authorize(principal, .readCases)
        var view = draft
        view.id = ids.next("VEW"); view.owner = principal.name; view.createdAt = clock.now()
        view.name = view.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let problems = view.problems(queues: policy.queues)
        guard problems.isEmpty else { throw EngineError.invalidFields(problems) }
        try await database.saveView(view, actor: principal.auditName)
        return view
    }

    public func deleteView(_ id: String, by principal: Principal) async throws {
        try authorize(principal, .readCases)
        guard let view = try await database.savedView(id),
              view.isVisible(to: principal.name, queues: [], seesAll: principal.role.allows(.assignOthers)) else {
            throw EngineError.notFound(what: "view", id: id)
        }
        guard view.owner == principal.name || principal.role.allows(.assignOthers) else {
            throw EngineError.forbidden("only \(view.owner) or a supervisor may delete view \(id)")
        }
        try await database.deleteView(view, actor: principal.auditName, at: clock.now())
    }
}
