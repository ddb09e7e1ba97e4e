import ClearwayCore
import ClearwayEngine
import Foundation
import OpenAPIRuntime

/// The generated API protocol, implemented by decoding the contract's input, calling the
/// engine and encoding its answer. Failures are thrown and mapped to problem+json in one place.
struct APIHandlers: APIProtocol {
    let engine: ClearwayEngine

    func listCases(_ input: Operations.listCases.Input) async throws -> Operations.listCases.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let q = input.query
        var filter = CaseFilter()
        var problems: [FieldProblem] = []
        if let states = q.state {
            for name in states.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                if name == "active" { filter.states += [.open, .inProgress] } else if let s = CaseState(rawValue: name) { filter.states.append(s) } else {
                    problems.append(FieldProblem(pointer: "/query/state", detail: "unknown case state '\(name)' (open, in_progress, resolved, cancelled, active)"))
                }
            }
        }
        if let t = q._type {
            if let type = ExceptionType(rawValue: t) { filter.type = type } else {
                problems.append(FieldProblem(pointer: "/query/type", detail: "unknown exception type '\(t)'"))
            }
        }
        if let limit = q.limit, !(1...500).contains(limit) { problems.append(FieldProblem(pointer: "/query/limit", detail: "must be between 1 and 500")) }
        if let offset = q.offset, offset < 0 { problems.append(FieldProblem(pointer: "/query/offset", detail: "must not be negative")) }
        if let p = q.minPriority, !(0...100).contains(p) { problems.append(FieldProblem(pointer: "/query/minPriority", detail: "must be between 0 and 100")) }
        if let h = q.minAgeHours, h < 0 || !h.isFinite { problems.append(FieldProblem(pointer: "/query/minAgeHours", detail: "must be zero or more")) }
        if !problems.isEmpty { throw Problem.invalid(problems) }
        let now = engine.clock.now()
        filter.queue = q.queue
        filter.site = q.site
        filter.customerId = q.customerId
        filter.orderId = q.orderId
        filter.tier = q.tier.flatMap { CustomerTier(rawValue: $0.rawValue) }
        filter.minPriority = q.minPriority
        filter.openedBefore = q.minAgeHours.map { now.adding(seconds: -$0 * 3600) }
        filter.sort = q.sort.flatMap { CaseFilter.Sort(rawValue: $0.rawValue) } ?? .priority
        filter.limit = q.limit ?? 50
        filter.offset = q.offset ?? 0
        let page = try await engine.cases(filter, by: principal)
        let items = page.cases.map { ContractMapping.summary($0, exceptions: page.exceptions[$0.id] ?? [], now: now) }
        return .ok(.init(body: .json(.init(total: page.total, limit: filter.limit, offset: filter.offset, items: items))))
    }

    func getCase(_ input: Operations.getCase.Input) async throws -> Operations.getCase.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let detail = try await engine.caseDetail(input.path.caseId, by: principal)
        let (record, exceptions) = (detail.record, detail.exceptions)
        let now = engine.clock.now()
        let policy = engine.policy
        return .ok(.init(body: .json(.init(
            _case: ContractMapping.summary(record, exceptions: exceptions, now: now),
            order: detail.order.map(ContractMapping.order),
            exceptions: exceptions.map { ContractMapping.detail($0, policy: policy, site: record.site, now: now) },
            timeline: detail.timeline.map(ContractMapping.timeline),
            actions: try detail.actions.map(ActionMapping.action)))))
    }

    func listQueues(_ input: Operations.listQueues.Input) async throws -> Operations.listQueues.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let queues = try await engine.allQueueStats(by: principal).map { s in
            Components.Schemas.QueueSummary(queue: s.queue, open: s.open, assigned: s.assigned, waiting: s.waiting,
                                            total: s.open + s.assigned + s.waiting, atRisk: s.atRisk, breached: s.breached,
                                            oldestOpenedAt: s.oldestOpenedAt?.date, nextDueAt: s.nextDueAt?.date)
        }
        return .ok(.init(body: .json(.init(queues: queues))))
    }

    func getKpis(_ input: Operations.getKpis.Input) async throws -> Operations.getKpis.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let k = try await engine.headlineKPIs(by: principal)
        return .ok(.init(body: .json(.init(
            backlogOpen: k.backlogOpen, exceptionsOpen: k.exceptionsOpen, atRiskOpen: k.atRiskOpen, breachedOpen: k.breachedOpen,
            resolvedExceptions: k.resolvedExceptions, touchlessRate: k.touchlessRate,
            firstTouchResolutionRate: k.firstTouchResolutionRate, slaAttainment: k.slaAttainment, touchlessResolved: k.touchlessResolved,
            actionsPendingApproval: k.actionsPendingApproval, actionsDeadLettered: k.actionsDeadLettered))))
    }
}
