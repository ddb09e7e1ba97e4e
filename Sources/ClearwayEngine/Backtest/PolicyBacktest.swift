import ClearwayCore
import ClearwayInsights
import ClearwayIntegration
import ClearwayStore
import Foundation
import Logging

/// What a policy would have done with the events of a period: the recorded inbox replayed
/// into a scratch store under the policy in force and under a candidate, beside what
/// actually happened.
///
/// The replay runs everything that is automatic (detection, routing, SLA clocks, touchless
/// rules, approvals asked) and assumes every action it asks of a source system is applied.
/// It cannot replay people's work, so both replays leave to people what people did; the
/// difference between the two replays is the policy's effect. Events a source system sent
/// because of one of Clearway's actions (CloudEvents extension `clearwayaction`) are left
/// out: under another policy that action may never have happened.
public struct PolicyBacktest: Sendable {
    public struct Outcome: Sendable, Hashable, Codable {
        public var exceptionsOpened = 0
        public var touchlessResolved = 0
        public var touchlessRate = 0.0
        public var slaBreaches = 0
        /// Actions that needed an approval (asked, or recommended pending one).
        public var approvalsNeeded = 0
        public var pricingApprovalsNeeded = 0
        public var revenueAtRisk = 0.0
        public var exceptionsPerQueue: [String: Int] = [:]
        /// Replay only: events the replay could not process (dead-lettered), by reason.
        public var eventsNotProcessed: [String: Int] = [:]
    }

    public struct Report: Sendable, Hashable, Codable {
        public var from: String
        public var to: String
        public var eventsReplayed: Int
        public var effectEventsLeftOut: Int
        public var recorded: Outcome
        public var replayCurrent: Outcome
        public var replayCandidate: Outcome
    }

    let engine: ClearwayEngine
    let logger: Logger
    /// Where to keep the two replays' stores (`current.db`, `candidate.db`) for inspection;
    /// nil removes them.
    let keepIn: String?

    public init(engine: ClearwayEngine, logger: Logger, keepReplaysIn: String? = nil) {
        self.engine = engine; self.logger = logger; keepIn = keepReplaysIn
    }

    public func run(candidate: Policy, filter: FactFilter) async throws -> Report {
        let to = Instant(millis: filter.to)
        let stored = try await engine.queries.inboxEvents(before: to)
        var events: [(raw: JSONValue, at: Instant)] = []
        var leftOut = 0
        for (text, at) in stored {
            guard let raw = JSONValue.parse(Data(text.utf8)) else { continue }
            if raw["clearwayaction"] != nil { leftOut += 1; continue }
            events.append((raw, at))
        }
        let recorded = try await Self.outcome(of: engine, filter: filter)
        let current = try await replay(events, policy: engine.policy, filter: filter, name: "current")
        let proposed = try await replay(events, policy: candidate, filter: filter, name: "candidate")
        let day = FactFilter.day
        return Report(from: day(filter.from), to: day(filter.to), eventsReplayed: events.count, effectEventsLeftOut: leftOut,
                      recorded: recorded, replayCurrent: current, replayCandidate: proposed)
    }

    /// Replays the events into a fresh scratch store under `policy`, moving a manual clock to
    /// each arrival, firing SLA timers and delivering actions as time passes.
    func replay(_ events: [(raw: JSONValue, at: Instant)], policy: Policy, filter: FactFilter, name: String) async throws -> Outcome {
        let path = keepIn.map { URL(fileURLWithPath: $0).appendingPathComponent("\(name).db").path }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("clearway-backtest-\(UUID().uuidString).db").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { if keepIn == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
        let database = try await Database.open(.sqlite(path: path), logger: logger)
        try await database.migrate()
        let clock = ManualClock(events.first?.at ?? Instant(millis: filter.from))
        let scratch = ClearwayEngine(database: database, policy: policy, clock: clock, ids: SequentialIdentifiers(), logger: logger)
        for system in Set(ActionKind.allCases.map(\.system)) {
            scratch.connectors.register(system, connector: AppliedConnector(), settings: ConnectorSettings(url: "backtest:\(system)"))
        }
        let dispatcher = OutboxDispatcher(engine: scratch)
        func advance(to instant: Instant) async throws {
            clock.set(instant)
            _ = try await scratch.fireDueTimers()
            while try await dispatcher.dispatchOnce() > 0 {}
        }
        var notProcessed: [String: Int] = [:]
        var i = 0
        while i < events.count {
            let at = events[i].at
            var batch: [IncomingEvent] = []
            while i < events.count, events[i].at == at {
                if let event = try? CloudEventCodec.reread(events[i].raw, policy: policy, receivedAt: at) { batch.append(event) }
                i += 1
            }
            try await advance(to: at)
            for o in try await scratch.ingest(batch, actor: "system:backtest") where o.status == .deadLettered {
                notProcessed[o.reason ?? "unknown", default: 0] += 1
            }
        }
        try await advance(to: Instant(millis: filter.to))
        var outcome = try await Self.outcome(of: scratch, filter: filter)
        outcome.eventsNotProcessed = notProcessed
        await database.close()
        return outcome
    }

    static func outcome(of engine: ClearwayEngine, filter: FactFilter) async throws -> Outcome {
        let (facts, approvals) = try await engine.periodFacts(filter, settings: .init())
        let report = KPIReport.compute(facts, approvals: approvals, filter: filter)
        var o = Outcome()
        o.exceptionsOpened = report.opened
        let opened = facts.filter { filter.matches($0) && $0.openedAt >= filter.from && $0.openedAt < filter.to }
        o.touchlessResolved = opened.filter { $0.isResolved && $0.touchless }.count
        o.touchlessRate = KPIReport.rate(o.touchlessResolved, opened.count)
        o.slaBreaches = report.slaBreaches
        o.approvalsNeeded = approvals.count
        o.pricingApprovalsNeeded = approvals.filter { $0.kind == ActionKind.overridePrice.rawValue }.count
        o.revenueAtRisk = report.revenueAtRisk
        for f in opened { o.exceptionsPerQueue[f.queue, default: 0] += 1 }
        return o
    }
}

/// The replay's source systems: every action is applied at once.
struct AppliedConnector: ActionConnector {
    func deliver(_ delivery: ActionDelivery) async -> DeliveryOutcome { .applied(detail: nil) }
}
