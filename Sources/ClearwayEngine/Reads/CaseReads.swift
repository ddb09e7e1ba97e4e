import ClearwayCore
import ClearwayStore

/// A case as a page or the API shows it: the case, its exceptions, the order, what happened
/// and the actions taken.
public struct CaseDetail: Sendable {
    public var record: CaseRecord
    public var exceptions: [ExceptionRecord]
    public var order: Order?
    public var timeline: [AuditEntry]
    public var actions: [ActionRecord]
}

/// Reading cases, queues and actions. Every read checks the caller's permission here,
/// whoever asks (API, console, command line).
extension ClearwayEngine {
    public func cases(_ filter: CaseFilter, by principal: Principal) async throws -> CasePage {
        try authorize(principal, .readCases)
        return try await queries.list(filter)
    }

    /// The case, or `notFound`; `full` adds the timeline and the actions.
    public func caseDetail(_ id: String, full: Bool = true, by principal: Principal) async throws -> CaseDetail {
        try authorize(principal, .readCases)
        guard let (record, exceptions, order) = try await queries.detail(id) else { throw EngineError.notFound(what: "case", id: id) }
        guard full else { return CaseDetail(record: record, exceptions: exceptions, order: order, timeline: [], actions: []) }
        async let timeline = queries.timeline(caseId: id)
        async let actions = queries.actions(caseId: id)
        return CaseDetail(record: record, exceptions: exceptions, order: order, timeline: try await timeline, actions: try await actions)
    }

    /// Each queue that has work, with its counts.
    public func queueStats(by principal: Principal) async throws -> [QueueStats] {
        try authorize(principal, .readCases)
        return try await queries.queueStats()
    }

    /// Every queue the policy names or that holds work, with its counts (zero when empty).
    public func allQueueStats(by principal: Principal) async throws -> [QueueStats] {
        var stats = Dictionary(uniqueKeysWithValues: try await queueStats(by: principal).map { ($0.queue, $0) })
        for name in policy.queues where stats[name] == nil { stats[name] = QueueStats(queue: name) }
        return stats.values.sorted { $0.queue < $1.queue }
    }

    public func queueItems(_ filter: QueueFilter, by principal: Principal) async throws -> (items: [QueueItem], total: Int) {
        try authorize(principal, .readCases)
        return try await queries.queueItems(filter)
    }

    public func backlogOverview(now: Instant, days: Int = 14, by principal: Principal) async throws -> BacklogOverview {
        try authorize(principal, .readCases)
        return try await queries.backlogOverview(now: now, days: days)
    }

    /// The actions on a case, or `notFound` when there is no such case.
    public func caseActions(_ caseId: String, by principal: Principal) async throws -> [ActionRecord] {
        try authorize(principal, .readCases)
        guard try await queries.caseExists(caseId) else { throw EngineError.notFound(what: "case", id: caseId) }
        return try await queries.actions(caseId: caseId)
    }

    /// Actions in `state` (any when nil), newest first.
    public func actions(state: ActionState?, limit: Int, by principal: Principal) async throws -> [ActionRecord] {
        try authorize(principal, .readCases)
        return try await queries.actions(state: state, limit: limit)
    }

    public func action(_ id: String, by principal: Principal) async throws -> ActionRecord {
        try authorize(principal, .readCases)
        guard let action = try await queries.action(id) else { throw EngineError.notFound(what: "action", id: id) }
        return action
    }

    /// The people who can be assigned work.
    public func people(by principal: Principal) async throws -> [ConsoleUser] {
        try authorize(principal, .readCases)
        return try await database.users()
    }
}
