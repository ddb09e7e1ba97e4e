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
    private(set) var batched: Bool
    private var decision: CaseDecision?
    private var pending: [CaseWrite] = []
    /// Reference data read fresh for this evaluator, once this transaction has changed it.
    private var freshReference: ReferenceCache?

    init(engine: ClearwayEngine, tx: StoreTransaction, policy: Policy, now: Instant, trigger: String, actor: String = "system:ingest",
         batched: Bool = false) {
        self.engine = engine; self.tx = tx; self.policy = policy; self.now = now
        self.trigger = trigger; self.actor = actor; self.batched = batched
    }

    /// Returns the id of the case touched, or nil when the order is clean and has no case.
    func evaluate(orderId: String) async throws -> String? {
        guard let order = try await tx.order(orderId) else { return nil }
        return try await evaluate(order: order, isNew: false)
    }

    /// Re-evaluates known orders after an event changed what they depend on. Their orders,
    /// milestones, picks, messages, open cases and exceptions are read set-wise, each is
    /// decided in turn, and the writes of all of them are made together.
    func evaluate(orderIds: [String]) async throws -> [String] {
        guard orderIds.count > 1 else { return try await evaluate(orderId: orderIds[0]).map { [$0] } ?? [] }
        let facts = try await tx.orderFacts(orderIds)
        let exposure = try await tx.activeOrderValues(customerIds: Set(facts.orders.values.map(\.customerId)))
        let wasBatched = batched
        batched = true
        defer { batched = wasBatched }
        var touched: [String] = [], seen = Set<String>()
        for id in orderIds where seen.insert(id).inserted {
            guard let order = facts.orders[id] else { continue }
            if order.status == .cancelled {
                touched += try await cancel(orderKey: id, reason: "order cancelled")
                continue
            }
            var context = try await loadContext(for: order, isNew: true)
            context.milestones = facts.milestones[id] ?? []
            context.pick = facts.picks[id]
            context.messages = facts.messages[id] ?? []
            if context.customer != nil {
                let own = order.status.isActive && order.status != .released ? order.total : .zero
                context.otherOpenOrderValue = (exposure[order.customerId] ?? .zero) - own
            }
            var decision = try await prepared()
            defer { self.decision = decision }
            guard var hand = try decision.evaluate(order: order, context: context, open: facts.openCases[id]) else { continue }
            try await finish(&hand, decision: &decision, tier: context.customer?.tier ?? hand.caseRecord.customerTier, order: order)
            touched.append(hand.caseRecord.id)
        }
        try await flush()
        return touched
    }

    /// Evaluates an order already in hand. A new order cannot have milestones, picks or
    /// messages yet (events for unknown orders are dead-lettered), so those are not read.
    /// `otherOpenValue`, when the caller already knows it, is the value of the customer's
    /// other open orders (saves a query per order in set-wise processing).
    func evaluate(order: Order, isNew: Bool, otherOpenValue: Money? = nil) async throws -> String? {
        if order.status == .cancelled { return try await cancel(orderKey: order.id, reason: "order cancelled").first }
        let context = try await loadContext(for: order, isNew: isNew, otherOpenValue: otherOpenValue)
        let open = isNew ? nil : try await openCase(orderKey: order.id)
        var decision = try await prepared()
        defer { self.decision = decision }
        guard var hand = try decision.evaluate(order: order, context: context, open: open) else { return nil }
        try await finish(&hand, decision: &decision, tier: context.customer?.tier ?? hand.caseRecord.customerTier, order: order)
        return hand.caseRecord.id
    }

    /// A customer message that names no known order gets a case of its own per customer.
    func customerMessage(_ message: CustomerMessage, referencedOrder: String?) async throws -> String? {
        let customer = try await tx.customer(message.customerId)
        let open = try await openCase(orderKey: "customer:\(message.customerId)")
        var decision = try await prepared()
        defer { self.decision = decision }
        var hand = try decision.customerMessage(message, referencedOrder: referencedOrder, customer: customer, open: open)
        try await finish(&hand, decision: &decision, tier: customer?.tier ?? hand.caseRecord.customerTier, order: nil)
        return hand.caseRecord.id
    }

    /// Cancels every open exception of the order's open case.
    func cancel(orderKey: String, reason: String) async throws -> [String] {
        guard let (caseRecord, exceptions) = try await openCase(orderKey: orderKey) else { return [] }
        var decision = try await prepared()
        defer { self.decision = decision }
        var hand = CaseInHand(stored: caseRecord, exceptions: exceptions, changed: true)
        try decision.cancel(&hand, reason: reason)
        try await finish(&hand, decision: &decision, tier: caseRecord.customerTier, order: nil)
        return [caseRecord.id]
    }

    /// Writes what waits (a batched evaluator calls this once its run is decided).
    func flush() async throws {
        guard !pending.isEmpty else { return }
        let writes = pending
        pending.removeAll()
        try await CaseWriter.write(writes, tx: tx, policy: policy, now: now)
    }

    /// Touchless rules for what the decision opened, then the roll-up, then the writes.
    private func finish(_ hand: inout CaseInHand, decision: inout CaseDecision, tier: CustomerTier, order: Order?) async throws {
        pending += decision.takeWrites()
        if !hand.opened.isEmpty, !policy.actions.autoResolution.rules.isEmpty {
            // Touchless actions change the exceptions in hand; the case is rolled up once, after.
            let work = CaseWork(caseRecord: hand.caseRecord, exceptions: hand.exceptions, order: order)
            try await considerTouchless(hand.opened, work: work, tier: tier)
            hand.caseRecord = work.caseRecord
            hand.exceptions = work.exceptions
            pending += work.writes
        }
        decision.rollUp(&hand)
        pending += decision.takeWrites()
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

    func loadContext(for order: Order, isNew: Bool, otherOpenValue: Money? = nil) async throws -> ReferenceContext {
        // After this transaction changed reference data, a throwaway cache reads it fresh.
        let cache = try await engine.referenceCache.validate(tx) ? engine.referenceCache : fresh()
        var context = try await cache.context(for: order, tx: tx)
        if !isNew {
            context.milestones = try await tx.milestones(orderId: order.id)
            context.pick = try await tx.pick(orderId: order.id)
            context.messages = try await tx.messages(orderId: order.id)
        }
        if context.customer != nil {
            if let otherOpenValue { context.otherOpenOrderValue = otherOpenValue } else {
                context.otherOpenOrderValue = try await tx.activeOrderValue(customerId: order.customerId, excluding: order.id)
            }
        }
        return context
    }
}
