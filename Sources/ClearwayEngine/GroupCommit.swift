import ClearwayIntegration
import ClearwayStore
import Synchronization

/// Group commit for ingestion. Requests queue their events; whoever holds the write turn
/// processes everything queued (up to `maxEvents`) in one transaction, so under load a
/// commit carries many requests instead of one. A request whose events another holder
/// already committed returns as soon as it gets its turn. No background task is involved:
/// the requests themselves do the work, so nothing is left running when they return.
final class GroupCommit: Sendable {
    struct Item: Sendable {
        let events: [IncomingEvent]
        /// Each event's stored text, written before the write turn.
        let prepared: [PreparedEvent]
        let actor: String
        /// The policy the events were decoded with; the group is decided under it.
        let policy: PolicySnapshot
        let answer: Answer
    }

    /// One request's outcome, set once by whichever turn processed it.
    final class Answer: Sendable {
        let result = Mutex<Result<[IngestOutcome], any Error>?>(nil)
        var isSet: Bool { result.withLock { $0 != nil } }
        func set(_ r: Result<[IngestOutcome], any Error>) { result.withLock { if $0 == nil { $0 = r } } }
        func get() throws -> [IngestOutcome] {
            guard let r = result.withLock({ $0 }) else { throw GroupCommitError.notProcessed }
            return try r.get()
        }
    }

    enum GroupCommitError: Error { case notProcessed }

    let maxEvents: Int
    /// Back-pressure: events waiting for their turn beyond this are refused at once
    /// (`EngineError.saturated`) instead of queueing without bound.
    let maxQueuedEvents: Int
    private let queue = Mutex<(items: [Item], events: Int)>(([], 0))
    private let turn = SerialGate()

    init(maxEvents: Int = 1_000, maxQueuedEvents: Int = 50_000) { self.maxEvents = maxEvents; self.maxQueuedEvents = maxQueuedEvents }

    /// Queues the events and returns their outcomes once committed. `process` runs one
    /// group in one transaction and returns outcomes in order, or throws for the whole group.
    func submit(_ events: [IncomingEvent], actor: String, policy: PolicySnapshot,
                process: @Sendable ([Item]) async throws -> [[IngestOutcome]],
                processAlone: @Sendable (Item) async throws -> [IngestOutcome]) async throws -> [IngestOutcome] {
        // Text the group will store is written now, while this request runs on its own.
        let mine = Item(events: events, prepared: try events.map(PreparedEvent.init), actor: actor, policy: policy, answer: Answer())
        let admitted = queue.withLock { q -> Bool in
            // A request is always admitted into an empty queue, however large it is.
            guard q.items.isEmpty || q.events + events.count <= maxQueuedEvents else { return false }
            q.items.append(mine)
            q.events += events.count
            return true
        }
        guard admitted else { throw EngineError.saturated(retryAfterSeconds: 1) }
        try await turn.run {
            while !mine.answer.isSet {
                let group = self.take()
                if group.isEmpty { break }
                do {
                    let outcomes = try await process(group)
                    for (item, result) in zip(group, outcomes) { item.answer.set(.success(result)) }
                } catch {
                    // One request must not fail the others: retry each on its own.
                    for item in group {
                        do { item.answer.set(.success(try await processAlone(item))) } catch { item.answer.set(.failure(error)) }
                    }
                }
            }
        }
        return try mine.answer.get()
    }

    /// Events admitted and still waiting for a turn.
    var queuedEvents: Int { queue.withLock { $0.events } }

    /// Takes queued requests in arrival order, at least one, up to `maxEvents` events, all
    /// decoded under the same policy generation as the first.
    private func take() -> [Item] {
        queue.withLock { q in
            var count = 0
            var taken = 0
            while taken < q.items.count, taken == 0
                    || (count + q.items[taken].events.count <= maxEvents && q.items[taken].policy.generation == q.items[0].policy.generation) {
                count += q.items[taken].events.count
                taken += 1
            }
            defer { q.items.removeFirst(taken); q.events -= count }
            return Array(q.items.prefix(taken))
        }
    }
}
