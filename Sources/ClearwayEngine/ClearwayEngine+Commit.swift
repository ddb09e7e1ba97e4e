import ClearwayCore
import ClearwayIntegration
import ClearwayStore

/// One group of requests in one transaction. Events keep their arrival order; the only
/// set-wise step is for runs of consecutive new orders, whose rows (orders, cases,
/// exceptions) are written with a few multi-row statements. Credit exposure is computed exactly as one-by-one processing
/// would: each order sees the customer's open orders before the run plus the earlier
/// orders of the run.
extension ClearwayEngine {
    func commit(_ group: [GroupCommit.Item]) async throws -> [[IngestOutcome]] {
        // Every request of a group was decoded under the same snapshot (GroupCommit.take).
        let policy = group.first?.policy.policy ?? self.policy
        let now = clock.now()
        let events = group.reduce(0) { $0 + $1.events.count }
        // One span for the transaction, linked to every request it carries; each event's
        // decision is a span in that event's own trace.
        return try await telemetry.span("clearway.commit", links: group.compactMap(\.intake),
                                        attributes: ["clearway.requests": "\(group.count)", "clearway.events": "\(events)"]) { _ in
            try await commitInOneTransaction(group, policy: policy, now: now)
        }
    }

    private func commitInOneTransaction(_ group: [GroupCommit.Item], policy: Policy, now: Instant) async throws -> [[IngestOutcome]] {
        try await database.transaction { tx in
            let flat = group.enumerated().flatMap { index, item in
                zip(zip(item.events, item.prepared), item.traces).map { (item: index, event: $0.0, prepared: $0.1, trace: $1) }
            }
            let claimed = try await tx.claimInbox(flat.map { (self.inboxRecord($0.event, at: now), $0.prepared.eventText) })
            var unclaimed = claimed
            let isClaimed = flat.map { unclaimed.remove(StoreTransaction.InboxKey(source: $0.event.source, eventId: $0.event.id)) != nil }
            var results = [IngestOutcome?](repeating: nil, count: flat.count)
            var i = 0
            while i < flat.count {
                let run = try await self.newOrderRun(flat.map(\.event), claimed: isClaimed, from: i, tx: tx)
                if run.count >= 2 {
                    let documents = run.map { flat[$0].prepared.orderDocument }
                    for (k, outcome) in try await self.ingestNewOrders(run, events: flat.map(\.event), traces: flat.map(\.trace), documents: documents,
                                                                       tx: tx, policy: policy, now: now) {
                        results[k] = outcome
                    }
                    i += run.count
                    continue
                }
                let (event, claimed, actor) = (flat[i].event, isClaimed[i], group[flat[i].item].actor)
                results[i] = try await self.decisionSpan(event, trace: flat[i].trace) { notes in
                    let outcome = try await self.ingestClaimed(event, claimed: claimed, tx: tx, policy: policy, now: now, actor: actor)
                    notes.record(outcome)
                    return outcome
                }
                i += 1
            }
            try await self.rememberEDIOrders(flat.map(\.event), outcomes: results, tx: tx, policy: policy, now: now)
            var byItem = [[IngestOutcome]](repeating: [], count: group.count)
            for (k, entry) in flat.enumerated() { if let outcome = results[k] { byItem[entry.item].append(outcome) } }
            return byItem
        }
    }

    func inboxRecord(_ event: IncomingEvent, at now: Instant) -> InboxRecord {
        InboxRecord(source: event.source, eventId: event.id, type: event.type.rawValue, receivedAt: now, outcome: "accepted", caseIds: [])
    }

    /// Consecutive claimed events, from `start`, that create orders Clearway does not hold yet.
    func newOrderRun(_ events: [IncomingEvent], claimed: [Bool], from start: Int, tx: StoreTransaction) async throws -> [Int] {
        var candidates: [(Int, String)] = []
        var ids = Set<String>()
        var k = start
        while k < events.count, claimed[k], case .success(.order(let order)) = events[k].payload, order.status != .cancelled, ids.insert(order.id).inserted {
            candidates.append((k, order.id))
            k += 1
        }
        guard candidates.count >= 2 else { return [] }
        let existing = try await tx.existingOrderIds(candidates.map(\.1))
        return candidates.prefix { !existing.contains($0.1) }.map(\.0)
    }

    /// `documents[i]` is the stored text of the order of `run[i]` (see `PreparedEvent`).
    func ingestNewOrders(_ run: [Int], events: [IncomingEvent], traces: [TraceContext?], documents: [String?], tx: StoreTransaction,
                         policy: Policy, now: Instant) async throws -> [(Int, IngestOutcome)] {
        let orders: [Order] = run.compactMap { if case .success(.order(let o)) = events[$0].payload { o } else { nil } }
        var open = try await tx.activeOrderValues(customerIds: Set(orders.map(\.customerId)))
        try await tx.insertNewOrders(zip(orders, documents).map { order, text in (order, try text ?? StoredDocument.order(order)) }, at: now)
        var outcomes: [(Int, IngestOutcome)] = []
        // One decision for the run; its cases and exceptions are written together at its end.
        let evaluator = CaseEvaluator(engine: self, tx: tx, policy: policy, now: now, trigger: "", batched: true)
        try await evaluator.prefetch(orders)
        for (k, order) in zip(run, orders) {
            let event = events[k]
            evaluator.trigger = "\(event.type.rawValue) \(event.id) from \(event.source)"
            let others = open[order.customerId] ?? .zero
            let caseIds = try await decisionSpan(event, trace: traces[k]) { notes in
                let caseIds = try await evaluator.evaluate(newOrder: order, otherOpenValue: others).map { [$0] } ?? []
                notes.set("clearway.case.ids", caseIds)
                return caseIds
            }
            if order.status.isActive, order.status != .released { open[order.customerId] = others + order.total }
            if !caseIds.isEmpty { try await tx.updateInbox(source: event.source, eventId: event.id, outcome: "accepted", caseIds: caseIds) }
            outcomes.append((k, IngestOutcome(source: event.source, id: event.id, type: event.type.rawValue, status: .accepted, caseIds: caseIds, deadLetterId: nil, reason: nil)))
        }
        try await evaluator.flush()
        return outcomes
    }

    /// One event whose inbox claim is already decided: a duplicate answers with the first
    /// outcome; a new event is processed, or dead-lettered if it cannot be yet.
    func ingestClaimed(_ event: IncomingEvent, claimed: Bool, tx: StoreTransaction, policy: Policy, now: Instant, actor: String) async throws -> IngestOutcome {
        guard claimed else {
            let first = try await tx.inboxRecord(source: event.source, eventId: event.id)
            return IngestOutcome(source: event.source, id: event.id, type: first?.type ?? event.type.rawValue, status: .duplicate,
                                 caseIds: first?.caseIds ?? [], deadLetterId: nil,
                                 reason: first?.outcome == "dead_lettered" ? "first received as a dead letter" : nil)
        }
        let processor = EventProcessor(engine: self, tx: tx, policy: policy, now: now, trigger: "\(event.type.rawValue) \(event.id) from \(event.source)",
                                       source: event.source)
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

extension ClearwayEngine {
    /// One event's decision as a span in the event's own trace, naming the event, its order
    /// and (as the decision learns them) the cases and exceptions it touched.
    func decisionSpan<T>(_ event: IncomingEvent, trace: TraceContext?, _ body: (SpanNotes) async throws -> T) async throws -> T {
        if !telemetry.isOn {
            // Off, the event carries its own trace only: never the trace of the request
            // that leads the group.
            guard trace != TraceContext.current else { return try await body(.none) }
            return try await TraceContext.$current.withValue(trace) { try await body(.none) }
        }
        var attributes = ["cloudevents.event_id": event.id, "cloudevents.event_source": event.source,
                          "cloudevents.event_type": event.type.rawValue]
        if case .success(.order(let order)) = event.payload { attributes["clearway.order.id"] = order.id }
        return try await telemetry.span("clearway.decide", parent: trace, attributes: attributes, body)
    }
}

extension SpanNotes {
    /// The outcome of one event: accepted, duplicate or dead-lettered, and its cases.
    func record(_ outcome: IngestOutcome) {
        set("clearway.outcome", outcome.status.rawValue)
        if !outcome.caseIds.isEmpty { set("clearway.case.ids", outcome.caseIds) }
        if let reason = outcome.reason, outcome.status == .deadLettered { fail(reason) }
    }
}
