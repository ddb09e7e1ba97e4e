import ClearwayCore
import ClearwayEngine
import Foundation

/// People and routing: Get next, My work, workload, profiles and saved views.
extension APIHandlers {
    func getNextWork(_ input: Operations.getNextWork.Input) async throws -> Operations.getNextWork.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        switch try await engine.getNext(by: principal) {
        case .nothing(let reason):
            return .ok(.init(body: .json(.init(claimed: false, reason: reason))))
        case .claimed(let c, let e, let reason):
            let detail = ContractMapping.detail(e, policy: engine.policy, site: c.site, now: engine.clock.now())
            return .ok(.init(body: .json(.init(claimed: true, reason: reason, exception: detail))))
        }
    }

    func getMyWork(_ input: Operations.getMyWork.Input) async throws -> Operations.getMyWork.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let work = try await engine.myWork(by: principal)
        let now = engine.clock.now()
        return .ok(.init(body: .json(.init(assigned: work.assigned.map { Self.workItem($0, now: now) },
                                           approvals: try work.approvals.map(ActionMapping.action)))))
    }

    static func workItem(_ q: QueueItem, now: Instant) -> Components.Schemas.WorkItem {
        let e = q.exception
        return .init(caseId: e.caseId, exceptionId: e.id, orderId: q.orderId, _type: e.type.rawValue, queue: e.queue,
                     state: .init(rawValue: e.lifecycle.state.rawValue) ?? .open, priority: e.priority.score, dueAt: e.sla.dueAt.date,
                     atRisk: e.sla.scheduledAtRiskAt <= now, breached: e.sla.scheduledDueAt <= now, customerId: q.customerId, site: q.site)
    }

    func getWorkload(_ input: Operations.getWorkload.Input) async throws -> Operations.getWorkload.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let report = try await engine.workload(days: input.query.days ?? 7, by: principal)
        let people = report.people.map { p in
            Components.Schemas.PersonLoad(username: p.username, displayName: p.displayName, availability: p.availability, capacity: p.capacity,
                                          load: p.load, open: p.open, atRisk: p.atRisk, breached: p.breached, queues: p.queues)
        }
        let queues = report.queues.map { q in
            Components.Schemas.QueueFlow(queue: q.queue, mode: .init(rawValue: q.mode.rawValue) ?? .manual, open: q.open, unassigned: q.unassigned,
                                         days: q.days.map { .init(date: $0.date.description, inflow: $0.inflow, resolved: $0.resolved) })
        }
        return .ok(.init(body: .json(.init(people: people, queues: queues))))
    }

    func listPeople(_ input: Operations.listPeople.Input) async throws -> Operations.listPeople.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let now = engine.clock.now()
        return .ok(.init(body: .json(.init(items: try await engine.roster(by: principal).map { Self.person($0, now: now) }))))
    }

    func getPerson(_ input: Operations.getPerson.Input) async throws -> Operations.getPerson.Output {
        let principal = try RequestPrincipal.require(.readCases)
        return .ok(.init(body: .json(Self.person(try await engine.person(input.path.username, by: principal), now: engine.clock.now()))))
    }

    func updatePerson(_ input: Operations.updatePerson.Input) async throws -> Operations.updatePerson.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        let body = switch input.body { case .json(let json): json }
        var profile = try await engine.person(input.path.username, by: principal).profile
        if let s = body.skills {
            profile.skills = Skills(queues: Set(s.queues ?? []), types: Set(s.types ?? []), sites: Set(s.sites ?? []),
                                    segments: Set(s.segments ?? []), accounts: Set(s.accounts ?? []))
        }
        if let c = body.capacity { profile.capacity = c }
        if let c = body.calendar { profile.calendar = c.isEmpty ? nil : c }
        if let a = body.availability {
            profile.availability = Availability(status: Availability.Status(rawValue: a.status.rawValue) ?? .available,
                                                from: a.from.map { Instant($0) }, until: a.until.map { Instant($0) },
                                                delegate: a.delegate.flatMap { $0.isEmpty ? nil : $0 })
            if profile.availability.status == .outOfOffice, profile.availability.from == nil { profile.availability.from = engine.clock.now() }
        }
        let saved = try await engine.savePerson(profile, by: principal)
        return .ok(.init(body: .json(Self.person(saved, now: engine.clock.now()))))
    }

    static func person(_ e: PersonEntry, now: Instant) -> Components.Schemas.Person {
        let p = e.profile, a = p.availability
        return .init(username: e.user.username, displayName: e.user.displayName, role: e.user.role.rawValue,
                     skills: .init(queues: p.skills.queues.sorted(), types: p.skills.types.sorted(), sites: p.skills.sites.sorted(),
                                   segments: p.skills.segments.sorted(), accounts: p.skills.accounts.sorted()),
                     capacity: p.capacity, calendar: p.calendar,
                     availability: .init(status: .init(rawValue: a.status.rawValue) ?? .available, from: a.from?.date, until: a.until?.date,
                                         delegate: a.delegate),
                     availabilityNow: a.label(at: now))
    }

    func listViews(_ input: Operations.listViews.Input) async throws -> Operations.listViews.Output {
        let principal = try RequestPrincipal.require(.readCases)
        return .ok(.init(body: .json(.init(items: try await engine.savedViews(by: principal).map(Self.view)))))
    }

    func createView(_ input: Operations.createView.Input) async throws -> Operations.createView.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let b = switch input.body { case .json(let json): json }
        let draft = SavedView(id: "", owner: principal.name, name: b.name, team: b.team.flatMap { $0.isEmpty ? nil : $0 }, queue: b.queue,
                              type: b._type, site: b.site, customerId: b.customerId, tier: b.tier, minAgeHours: b.minAgeHours,
                              sort: b.sort?.rawValue ?? "priority", createdAt: engine.clock.now())
        return .created(.init(body: .json(Self.view(try await engine.saveView(draft, by: principal)))))
    }

    func deleteView(_ input: Operations.deleteView.Input) async throws -> Operations.deleteView.Output {
        let principal = try RequestPrincipal.require(.readCases)
        try await engine.deleteView(input.path.viewId, by: principal)
        return .noContent(.init())
    }

    static func view(_ v: SavedView) -> Components.Schemas.SavedView {
        .init(id: v.id, owner: v.owner, name: v.name, team: v.team, queue: v.queue, _type: v.type, site: v.site, customerId: v.customerId,
              tier: v.tier, minAgeHours: v.minAgeHours, sort: v.sort, createdAt: v.createdAt.date)
    }
}

extension APIHandlers {
    func listApprovals(_ input: Operations.listApprovals.Input) async throws -> Operations.listApprovals.Output {
        let principal = try RequestPrincipal.require(.approveActions)
        let now = engine.clock.now()
        let mine = try await engine.approvalInbox(by: principal).filter { c in
            c.action.requesterId != principal.id && (c.action.approval.map { principal.role.canApprove($0.role) } ?? false)
        }
        let items = try mine.map { c -> Components.Schemas.ApprovalItem in
            .init(action: try ActionMapping.action(c.action), customerId: c.caseRecord?.customerId, customerTier: c.caseRecord?.customerTier.rawValue,
                  site: c.caseRecord?.site, orderId: c.caseRecord?.orderId, exceptionType: c.exception?.type.rawValue,
                  summary: c.exception?.finding.summary,
                  evidence: (c.exception?.finding.evidence ?? []).map { .init(label: $0.label, expected: $0.expected, actual: $0.actual, note: $0.note) },
                  lines: (c.order?.lines ?? []).map { .init(lineNumber: $0.lineNumber, sku: $0.sku, quantity: $0.quantity, unitOfMeasure: $0.unitOfMeasure,
                                                          unitPrice: $0.unitPrice.doubleValue) },
                  waitingMinutes: (now.seconds(since: c.action.requestedAt) / 60).rounded())
        }
        return .ok(.init(body: .json(.init(items: items))))
    }
}
