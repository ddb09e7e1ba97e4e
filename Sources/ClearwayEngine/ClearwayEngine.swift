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
    public let ids: any IdentifierSource
    let logger: Logger
    private let currentPolicy: Mutex<Policy>
    private let groupCommit: GroupCommit
    let referenceCache = ReferenceCache()
    /// The connectors actions are delivered through on this node.
    public let connectors = ConnectorRegistry()
    /// Reads customer messages at intake (the serving classifier, or the rules).
    public let messageReader = MessageReader()
    let breachRiskCache = BreachRiskCache()
    /// Seals secrets Clearway must read back (webhook signing secrets).
    public let dataKey: DataKey
    /// Limits for webhook deliveries (url unused).
    public let webhookDelivery = ConnectorSettings(url: "webhooks", timeoutSeconds: 10, maxAttempts: 10, baseBackoffSeconds: 5, maxBackoffSeconds: 3_600)

    public init(database: Database, policy: Policy, clock: any BusinessClock = SystemClock(),
                ids: any IdentifierSource = RandomIdentifiers(), dataKey: DataKey = .random(), maxQueuedEvents: Int = 50_000, logger: Logger) {
        self.groupCommit = GroupCommit(maxQueuedEvents: maxQueuedEvents)
        self.dataKey = dataKey
        self.database = database
        self.queries = CaseQueries(database: database)
        self.clock = clock
        self.ids = ids
        self.logger = logger
        self.currentPolicy = Mutex(policy)
    }

    public var policy: Policy { currentPolicy.withLock { $0 } }

    /// Replaces the policy for events processed from now on; open exceptions keep the SLA
    /// they were given, and the audit log records which version decided each step.
    public func setPolicy(_ policy: Policy) { currentPolicy.withLock { $0 = policy } }

    /// Processes decoded events and returns one outcome per event, after they are committed.
    /// Concurrent requests share transactions (group commit); a request's events always
    /// commit together.
    public func ingest(_ events: [IncomingEvent], actor: String) async throws -> [IngestOutcome] {
        await refreshServingModelIfDue()
        let outcomes = try await groupCommit.submit(events, actor: actor, process: { group in
            try await self.commit(group)
        }, processAlone: { item in
            try await self.commit([item])[0]
        })
        for o in outcomes where o.status == .deadLettered {
            logger.notice("event dead-lettered", metadata: ["event.source": "\(o.source)", "event.id": "\(o.id)", "event.reason": "\(o.reason ?? "")"])
        }
        return outcomes
    }
}
