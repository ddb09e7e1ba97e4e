import ClearwayCore
import ClearwayStore

/// Carries out the decision about an order's case (`CaseDecision`, in Core) inside a
/// transaction: loads what the decision needs, runs it, offers newly opened exceptions to
/// the touchless rules and writes the result. With `batched`, the writes of several orders
/// wait and are written together (`flush`), so a run of new orders inserts its cases and
/// exceptions with a few multi-row statements.
final class CaseEvaluator {
    let engine: ClearwayEngine
    let tx: StoreTransaction
    let policy: Policy
    let now: Instant
    /// What caused the evaluation, for the audit rows; may change between orders of a run.
    var trigger: String
    let actor: String
    let batched: Bool
    private var decision: CaseDecision?
    private var pending: [CaseWrite] = []
    /// Reference data read fresh for this evaluator, once this transaction has changed it.
    private var freshReference: ReferenceCache?

    init(engine: ClearwayEngine, tx: StoreTransaction, policy: Policy, now: Instant, trigger: String, actor: String = "system:ingest",
         batched: Bool = false) {
        self.engine = engine; self.tx = tx; self.policy = policy; self.now = now
        self.trigger = trigger; self.actor = actor; self.batched = batched
    }

    /// Evaluates an order Clearway did not hold before. A new order cannot have milestones,
    /// picks, messages or a case yet (events for unknown orders are dead-lettered), so those
    /// are not read. `otherOpenValue`, when the caller already knows it, is the value of the
    /// customer's other open orders (saves a query per order in set-wise processing).
    /// Returns the id of the case opened, or nil when the order is clean.
    func evaluate(newOrder order: Order, otherOpenValue: Money? = nil) async throws -> String? {
        if order.status == .cancelled { return try await cancel(orderKey: order.id, reason: "order cancelled").first }
        var context = try await referenceContext(for: order)
        if context.customer != nil {
            context.otherOpenOrderValue = if let otherOpenValue { otherOpenValue } else {
                try await tx.activeOrderValue(customerId: order.customerId, excluding: order.id)
            }
        }
        let caseId = try await decide(order: order, customer: context.customer, exposure: context.otherOpenOrderValueIfRead) { [context] in
            try $0.evaluate(order: order, context: context, open: nil)
        }
        try await flushUnlessBatched()
        return caseId
    }

    /// Re-evaluates known orders after an event changed what they depend on. Their orders,
    /// milestones, picks, messages, open cases and exceptions are read set-wise, each is
    /// decided in turn, and the writes of all of them are made together. Returns the ids of
    /// the cases touched.
    func evaluate(orderIds: [String]) async throws -> [String] {
        guard !orderIds.isEmpty else { return [] }
        let facts = try await tx.orderFacts(orderIds)
        let exposure = try await tx.activeOrderValues(customerIds: Set(facts.orders.values.map(\.customerId)))
        try await prefetch(orderIds.compactMap { facts.orders[$0] })
        var touched: [String] = [], seen = Set<String>()
        for id in orderIds where seen.insert(id).inserted {
            guard let order = facts.orders[id] else { continue }
            if order.status == .cancelled {
                touched += try await cancel(orderKey: id, reason: "order cancelled")
                continue
            }
            var context = try await referenceContext(for: order)
            context.milestones = facts.milestones[id] ?? []
            context.pick = facts.picks[id]
            context.messages = facts.messages[id] ?? []
            if context.customer != nil {
                let own = order.status.isActive && order.status != .released ? order.total : .zero
                context.otherOpenOrderValue = (exposure[order.customerId] ?? .zero) - own
            }
            let caseId = try await decide(order: order, customer: context.customer, exposure: context.otherOpenOrderValueIfRead) { [context] in
                try $0.evaluate(order: order, context: context, open: facts.openCases[id])
            }
            if let caseId { touched.append(caseId) }
        }
        try await flushUnlessBatched()
        return touched
    }

    /// A customer message that names no known order gets a case of its own per customer.
    func customerMessage(_ message: CustomerMessage, referencedOrder: String?) async throws -> String? {
        let customer = try await tx.customer(message.customerId)
        let open = try await openCase(orderKey: "customer:\(message.customerId)")
        let caseId = try await decide(order: nil, customer: customer) {
            try $0.customerMessage(message, referencedOrder: referencedOrder, customer: customer, open: open)
        }
        try await flushUnlessBatched()
        return caseId
    }

    /// Cancels every open exception of the order's open case.
    func cancel(orderKey: String, reason: String) async throws -> [String] {
        guard let (caseRecord, exceptions) = try await openCase(orderKey: orderKey) else { return [] }
        _ = try await decide(order: nil, customer: nil) { decision in
            var hand = CaseInHand(stored: caseRecord, exceptions: exceptions, changed: true)
            try decision.cancel(&hand, reason: reason)
            return hand
        }
        try await flushUnlessBatched()
        return [caseRecord.id]
    }

    /// Writes what waits (a batched evaluator calls this once its run is decided).
    func flush() async throws {
        guard !pending.isEmpty else { return }
        let writes = pending
        pending.removeAll()
        try await CaseWriter.write(writes, tx: tx, engine: engine, policy: policy, now: now)
    }

    /// Touchless rules for what the decision opened, then the roll-up, then the writes.
    private func finish(_ hand: inout CaseInHand, decision: inout CaseDecision, tier: CustomerTier, order: Order?,
                        exposure: Money?) async throws {
        pending += decision.takeWrites().traced()
        if !hand.opened.isEmpty, !policy.actions.autoResolution.rules.isEmpty {
            // Touchless actions change the exceptions in hand; the case is rolled up once, after.
            let work = CaseWork(caseRecord: hand.caseRecord, exceptions: hand.exceptions, order: order)
            try await considerTouchless(hand.opened, work: work, tier: tier, exposure: exposure)
            hand.caseRecord = work.caseRecord
            hand.exceptions = work.exceptions
            pending += work.writes.traced()
        }
        decision.rollUp(&hand)
        pending += decision.takeWrites().traced()
    }

    /// Runs one decision with this evaluator's decision state (its queue loads carry from
    /// one order to the next), then touchless rules and the roll-up. Returns the case's id.
    /// `exposure` is the value of the customer's other open orders as the decision saw it;
    /// the guardrails of a touchless action see the same.
    private func decide(order: Order?, customer: Customer?, exposure: Money? = nil,
                        _ make: (inout CaseDecision) throws -> CaseInHand?) async throws -> String? {
        var decision = try await prepared()
        defer { self.decision = decision }
        guard var hand = try make(&decision) else { return nil }
        try await finish(&hand, decision: &decision, tier: customer?.tier ?? hand.caseRecord.customerTier, order: order, exposure: exposure)
        return hand.caseRecord.id
    }

    private func flushUnlessBatched() async throws {
        if !batched { try await flush() }
    }

    private func prepared() async throws -> CaseDecision {
        if var known = decision {
            known.trigger = trigger
            return known
        }
        return try await engine.decision(actor: actor, trigger: trigger, tx: tx, policy: policy, now: now)
    }

    /// The open case of an order (or customer) key and its exceptions, as stored.
    private func openCase(orderKey: String) async throws -> (CaseRecord, [ExceptionRecord])? {
        guard let record = try await tx.openCase(orderKey: orderKey) else { return nil }
        return (record, try await tx.exceptions(caseId: record.id))
    }

    private func fresh() -> ReferenceCache {
        if let freshReference { return freshReference }
        let cache = ReferenceCache()
        freshReference = cache
        return cache
    }

    /// What the detectors look at from reference data.
    func referenceContext(for order: Order) async throws -> ReferenceContext {
        try await reference().context(for: order, tx: tx)
    }

    /// Reads the reference data of all `orders` at once, before they are decided one by one.
    func prefetch(_ orders: [Order]) async throws {
        try await reference().prefetch(orders, tx: tx)
    }

    /// The engine's cache, or one read fresh for this evaluator once this transaction has
    /// changed reference data.
    private func reference() async throws -> ReferenceCache {
        try await engine.referenceCache.validate(tx) ? engine.referenceCache : fresh()
    }
}
