import ClearwayCore
import ClearwayIntegration
import ClearwayStore
import Foundation
import Logging
import Synchronization

/// The pipeline: ingest → normalise → detect → case → policy, all inside one transaction
/// per request, so the answer a client gets is only sent once everything it caused is
/// committed.
public final class ClearwayEngine: Sendable {
    public let database: Database
    public let queries: CaseQueries
    public let clock: any BusinessClock
    /// The time sign-ins, lock-outs and sessions run on: real time, even where a simulation
    /// moves the business clock through weeks in seconds (the demo), so a session lasts as
    /// long for a person as it says. The business clock unless set.
    public let sessionClock: any BusinessClock
    public let ids: any IdentifierSource
    let logger: Logger
    private let currentPolicy: Mutex<PolicySnapshot>
    private let groupCommit: GroupCommit
    let referenceCache = ReferenceCache()
    /// The connectors actions are delivered through on this node.
    public let connectors = ConnectorRegistry()
    /// Sends connector and webhook requests, to addresses the policy allows only.
    public let outbound: OutboundClient
    /// Reads customer messages at intake (the serving classifier, or the rules).
    public let messageReader = MessageReader()
    let breachRiskCache = BreachRiskCache()
    /// EDI files parsed at once on this node (each can hold thousands of orders).
    public let ediUploads = ConcurrencyLimit(2)
    /// Policy backtests at once on this node (each replays weeks of history).
    public let backtests = ConcurrencyLimit(1)
    /// Password checks, one at a time on this node: a burst of sign-ins waits here
    /// instead of taking every core from intake.
    let passwordChecks = SerialGate()
    /// Seals secrets Clearway must read back (webhook signing secrets).
    public let dataKey: DataKey
    /// Limits for webhook deliveries (url unused).
    public let webhookDelivery = ConnectorSettings(url: "webhooks", timeoutSeconds: 10, maxAttempts: 10, baseBackoffSeconds: 5, maxBackoffSeconds: 3_600)
    /// Limits for notification sends (mail, Slack, Teams; url unused).
    public let notificationDelivery = ConnectorSettings(url: "notifications", timeoutSeconds: 30, maxAttempts: 8, baseBackoffSeconds: 30,
                                                        maxBackoffSeconds: 3_600)
    private let channelSettings = Mutex(NotificationChannels())
    /// Spans for intake, decisions, commits and deliveries (off unless the node exports them).
    public let telemetry: Telemetry
    /// Sign-in through the identity provider, when configured.
    public let singleSignOn: SingleSignOn?

    public init(database: Database, policy: Policy, clock: any BusinessClock = SystemClock(),
                ids: any IdentifierSource = RandomIdentifiers(), dataKey: DataKey = .random(), maxQueuedEvents: Int = 50_000,
                sessionClock: (any BusinessClock)? = nil, telemetry: Telemetry = .off, singleSignOn: SingleSignOn? = nil,
                logger: Logger) {
        self.telemetry = telemetry
        self.singleSignOn = singleSignOn
        self.groupCommit = GroupCommit(maxQueuedEvents: maxQueuedEvents, executor: database.writeExecutor)
        self.dataKey = dataKey
        self.database = database
        self.queries = CaseQueries(database: database)
        self.clock = clock
        self.sessionClock = sessionClock ?? clock
        self.ids = ids
        self.logger = logger
        self.currentPolicy = Mutex(PolicySnapshot(generation: 0, policy: policy))
        self.outbound = OutboundClient(policy: policy.outbound, telemetry: telemetry)
    }

    public var policy: Policy { currentPolicy.withLock { $0.policy } }

    /// The mail server and the console's public address this node sends notifications with.
    public var notificationChannels: NotificationChannels { channelSettings.withLock { $0 } }

    public func configureNotifications(_ channels: NotificationChannels) { channelSettings.withLock { $0 = channels } }

    /// The policy in force and its generation: a request is normalised and decided under one
    /// snapshot, never under two versions.
    public var policySnapshot: PolicySnapshot { currentPolicy.withLock { $0 } }

    /// Replaces the policy for events processed from now on; open exceptions keep the SLA
    /// they were given, and the audit log records which version decided each step.
    public func setPolicy(_ policy: Policy) {
        currentPolicy.withLock { $0 = PolicySnapshot(generation: $0.generation + 1, policy: policy) }
        outbound.setPolicy(policy.outbound)
    }

    /// Adds hosts or address ranges connectors and webhooks may reach beyond the policy's
    /// `outbound.allow` (the demo's simulated systems run on this machine).
    public func allowOutbound(_ entries: [String]) {
        let allowed = currentPolicy.withLock { p -> OutboundPolicy in
            var changed = p.policy
            changed.outbound.allow += entries
            p = PolicySnapshot(generation: p.generation + 1, policy: changed)
            return changed.outbound
        }
        outbound.setPolicy(allowed)
    }

    /// Processes events a caller sent: it must be allowed to send events, and a key bound to
    /// source systems may only send as those systems (every event is checked before any
    /// is stored, and the refusal names each one).
    public func ingest(_ events: [IncomingEvent], by principal: Principal, policy: PolicySnapshot? = nil) async throws -> [IngestOutcome] {
        try authorize(principal, .ingestEvents)
        let foreign = events.enumerated().filter { !principal.speaks(for: $0.element.source) }
        if let first = foreign.first {
            let allowed = principal.systems.map { $0.sorted().joined(separator: ", ") } ?? ""
            throw EngineError.forbidden("this key speaks for \(allowed) only; event \(first.offset) (\(first.element.id)) comes from '\(first.element.source)'"
                                        + (foreign.count > 1 ? " (and \(foreign.count - 1) more)" : ""))
        }
        return try await ingest(events, actor: principal.auditName, policy: policy)
    }

    /// Processes decoded events and returns one outcome per event, after they are committed.
    /// Concurrent requests share transactions (group commit); a request's events always
    /// commit together, under `policy` (the snapshot they were decoded with; the current one
    /// when nil), and a group holds requests of one snapshot only.
    public func ingest(_ events: [IncomingEvent], actor: String, policy: PolicySnapshot? = nil) async throws -> [IngestOutcome] {
        let snapshot = policy ?? policySnapshot
        // Customer text is read here, before the write turn: however a message is written,
        // reading it holds up no other request's commit.
        let events = readMessages(events, policy: snapshot.policy)
        let attributes = telemetry.isOn ? Self.intakeAttributes(events) : [:]
        return try await telemetry.span("clearway.intake", attributes: attributes) { notes in
            let outcomes = try await groupCommit.submit(events, actor: actor, policy: snapshot, process: { group in
                try await self.commit(group)
            }, processAlone: { item in
                try await self.commit([item])[0]
            })
            for o in outcomes where o.status == .deadLettered {
                logger.notice("event dead-lettered", metadata: ["event.source": "\(o.source)", "event.id": "\(o.id)", "event.reason": "\(o.reason ?? "")"])
            }
            notes.set("clearway.events", events.count)
            notes.set("clearway.events.dead_lettered", outcomes.count { $0.status == .deadLettered })
            if telemetry.isOn { notes.set("clearway.case.ids", Array(Array(Set(outcomes.flatMap(\.caseIds))).sorted().prefix(100))) }
            return outcomes
        }
    }

    /// What a span says about the events of one request: their number, and the event
    /// itself when it is one.
    static func intakeAttributes(_ events: [IncomingEvent]) -> [String: String] {
        var attributes: [String: String] = [:]
        if events.count == 1, let e = events.first {
            attributes["cloudevents.event_id"] = e.id
            attributes["cloudevents.event_source"] = e.source
            attributes["cloudevents.event_type"] = e.type.rawValue
        }
        return attributes
    }
}

extension ClearwayEngine {
    /// Reads each customer message not read yet (classifier or rules, and the details it
    /// names), so that the transaction that stores it does no text work.
    func readMessages(_ events: [IncomingEvent], policy: Policy) -> [IncomingEvent] {
        var unread: [(at: Int, message: CustomerMessage)] = []
        for (i, event) in events.enumerated() {
            if case .success(.message(let message)) = event.payload, message.triage == nil { unread.append((i, message)) }
        }
        guard !unread.isEmpty else { return events }
        var out = events
        for (item, triage) in zip(unread, messageReader.read(unread.map(\.message), policy: policy)) {
            var message = item.message
            message.triage = triage
            out[item.at].payload = .success(.message(message))
        }
        return out
    }
}

/// The text an event is stored as (the inbox's copy of the event; a new order's document),
/// written while the request still runs on its own, so the write turn, which every
/// request waits for, only binds it.
struct PreparedEvent: Sendable {
    let eventText: String
    let orderDocument: String?

    init(_ event: IncomingEvent) throws {
        eventText = event.raw.canonicalString()
        orderDocument = if case .success(.order(let order)) = event.payload { try StoredDocument.order(order) } else { nil }
    }
}

/// A policy and the generation it was put in force with.
public struct PolicySnapshot: Sendable {
    public let generation: Int
    public let policy: Policy
}
