import ClearwayCore
import ClearwayIntegration
import ClearwayStore
import Synchronization

/// Group commit for ingestion. Requests queue their events; one of them leads: it takes
/// everything queued (up to `maxEvents`) and processes it in one transaction, so under load
/// a commit carries many requests instead of one. The others wait for their answer and are
/// resumed directly when it is set, never passing a turn along one by one. Once the
/// leader's own request is answered it hands the lead to the oldest waiting request, so no
/// request keeps working for others for ever. No background task is involved: nothing is
/// left running when the requests return.
final class GroupCommit: Sendable {
    struct Item: Sendable {
        let events: [IncomingEvent]
        /// Each event's stored text, written before the write turn.
        let prepared: [PreparedEvent]
        let actor: String
        /// Each event's trace: its own (CloudEvents `traceparent`), else its request's.
        let traces: [TraceContext?]
        /// The trace of the request that queued the events (the commit links to it).
        let intake: TraceContext?
        /// The policy the events were decoded with; the group is decided under it.
        let policy: PolicySnapshot
        let answer: Answer
    }

    /// One request's outcome, set once by whichever leader processed it; or the word that
    /// this request leads now.
    final class Answer: Sendable {
        enum Signal: Sendable { case done(Result<[IngestOutcome], any Error>), lead }
        private struct State {
            var result: Result<[IngestOutcome], any Error>?
            var promoted = false
            var waiter: CheckedContinuation<Signal, Never>?
        }
        private let state = Mutex(State())

        var isSet: Bool { state.withLock { $0.result != nil } }

        func set(_ r: Result<[IngestOutcome], any Error>) {
            let waiter = state.withLock { s -> CheckedContinuation<Signal, Never>? in
                guard s.result == nil else { return nil }
                s.result = r
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: .done(r))
        }

        /// This request leads from now on.
        func promote() {
            let waiter = state.withLock { s -> CheckedContinuation<Signal, Never>? in
                guard s.waiter != nil else { s.promoted = true; return nil }
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: .lead)
        }

        func wait() async -> Signal {
            await withCheckedContinuation { c in
                let now = state.withLock { s -> Signal? in
                    if let r = s.result { return .done(r) }
                    if s.promoted { s.promoted = false; return .lead }
                    s.waiter = c
                    return nil
                }
                if let now { c.resume(returning: now) }
            }
        }
    }

    let maxEvents: Int
    /// Back-pressure: events waiting for their turn beyond this are refused at once
    /// (`EngineError.saturated`) instead of queueing without bound.
    let maxQueuedEvents: Int
    /// Where leaders run (the database's writer, when it has its own thread), so a group
    /// and the next follow one another without waiting for a thread that serves requests.
    let executor: (any TaskExecutor)?
    private let queue = Mutex<(items: [Item], events: Int, leading: Bool)>(([], 0, false))

    init(maxEvents: Int = 1_000, maxQueuedEvents: Int = 50_000, executor: (any TaskExecutor)? = nil) {
        self.maxEvents = maxEvents; self.maxQueuedEvents = maxQueuedEvents; self.executor = executor
    }

    /// Queues the events and returns their outcomes once committed. `process` runs one
    /// group in one transaction and returns outcomes in order, or throws for the whole group.
    func submit(_ events: [IncomingEvent], actor: String, policy: PolicySnapshot,
                process: @Sendable ([Item]) async throws -> [[IngestOutcome]],
                processAlone: @Sendable (Item) async throws -> [IngestOutcome]) async throws -> [IngestOutcome] {
        // Text the group will store is written now, while this request runs on its own.
        let request = TraceContext.current
        let mine = Item(events: events, prepared: try events.map(PreparedEvent.init), actor: actor,
                        traces: events.map { $0.trace ?? request }, intake: request, policy: policy, answer: Answer())
        let admitted = queue.withLock { q -> Bool? in
            // A request is always admitted into an empty queue, however large it is.
            guard q.items.isEmpty || q.events + events.count <= maxQueuedEvents else { return nil }
            q.items.append(mine)
            q.events += events.count
            defer { q.leading = true }
            return !q.leading
        }
        guard var leads = admitted else { throw EngineError.saturated(retryAfterSeconds: 1) }
        while true {
            if leads { await lead(until: mine, process: process, processAlone: processAlone) }
            switch await mine.answer.wait() {
            case .done(let result): return try result.get()
            case .lead: leads = true
            }
        }
    }

    /// Processes groups until `mine` is answered, then hands the lead on (or gives it up).
    private func lead(until mine: Item, process: @Sendable ([Item]) async throws -> [[IngestOutcome]],
                      processAlone: @Sendable (Item) async throws -> [IngestOutcome]) async {
        await withTaskExecutorPreference(executor) {
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
        let next = queue.withLock { q -> Item? in
            if let first = q.items.first { return first }
            q.leading = false
            return nil
        }
        next?.answer.promote()
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
