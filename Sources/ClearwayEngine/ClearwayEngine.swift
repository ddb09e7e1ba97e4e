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
    private let groupCommit = GroupCommit()
    let referenceCache = ReferenceCache()

    public init(database: Database, policy: Policy, clock: any BusinessClock = SystemClock(),
                ids: any IdentifierSource = RandomIdentifiers(), logger: Logger) {
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

    func commit(_ group: [GroupCommit.Item]) async throws -> [[IngestOutcome]] {
        let policy = self.policy
        let now = clock.now()
        return try await database.transaction { tx in
            var all: [[IngestOutcome]] = []
            for item in group {
                var outcomes: [IngestOutcome] = []
                for event in item.events {
                    outcomes.append(try await self.ingestOne(event, tx: tx, policy: policy, now: now, actor: item.actor))
                }
                all.append(outcomes)
            }
            return all
        }
    }

    func ingestOne(_ event: IncomingEvent, tx: StoreTransaction, policy: Policy, now: Instant, actor: String) async throws -> IngestOutcome {
        let record = InboxRecord(source: event.source, eventId: event.id, type: event.type.rawValue, receivedAt: now, outcome: "accepted", caseIds: [])
        guard try await tx.claimInbox(record, event: event.raw) else {
            let first = try await tx.inboxRecord(source: event.source, eventId: event.id)
            return IngestOutcome(source: event.source, id: event.id, type: first?.type ?? event.type.rawValue, status: .duplicate,
                                 caseIds: first?.caseIds ?? [], deadLetterId: nil,
                                 reason: first?.outcome == "dead_lettered" ? "first received as a dead letter" : nil)
        }
        let processor = EventProcessor(engine: self, tx: tx, policy: policy, now: now, trigger: "\(event.type.rawValue) \(event.id) from \(event.source)")
        do {
            let caseIds = try await processor.apply(try event.payload.get())
            if !caseIds.isEmpty { try await tx.updateInbox(source: event.source, eventId: event.id, outcome: "accepted", caseIds: caseIds) }
            return IngestOutcome(source: event.source, id: event.id, type: event.type.rawValue, status: .accepted, caseIds: caseIds, deadLetterId: nil, reason: nil)
        } catch let unprocessable as UnprocessableEvent {
            let letter = DeadLetter(id: ids.next("DL"), source: event.source, eventId: event.id, type: event.type.rawValue,
                                    reasonCode: unprocessable.code, reason: unprocessable.reason, event: event.raw,
                                    receivedAt: now, status: "pending", attempts: 1, resolvedAt: nil)
            try await tx.insertDeadLetter(letter)
            try await tx.updateInbox(source: event.source, eventId: event.id, outcome: "dead_lettered", caseIds: [])
            return IngestOutcome(source: event.source, id: event.id, type: event.type.rawValue, status: .deadLettered, caseIds: [],
                                 deadLetterId: letter.id, reason: unprocessable.reason)
        }
    }
}
