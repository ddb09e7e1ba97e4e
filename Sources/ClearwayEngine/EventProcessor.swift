import ClearwayCore
import ClearwayStore

/// Applies one canonical event inside a transaction: stores what it says, then
/// re-evaluates every active order it can affect. Checks that can dead-letter an event
/// run before anything is written.
struct EventProcessor {
    let engine: ClearwayEngine
    let tx: StoreTransaction
    let policy: Policy
    let now: Instant
    let trigger: String
    /// The system that sent the event (its CloudEvents `source`).
    let source: String

    var evaluator: CaseEvaluator { CaseEvaluator(engine: engine, tx: tx, policy: policy, now: now, trigger: trigger) }

    /// Returns the ids of the cases the event touched.
    func apply(_ event: CanonicalEvent) async throws -> [String] {
        var affected: [String] = []
        switch event {
        case .order(let order):
            guard try await tx.saveOrder(order, at: now) else { return try await evaluator.evaluate(orderIds: [order.id]) }
            return try await evaluator.evaluate(newOrder: order).map { [$0] } ?? []
        case .orderCancelled(let orderId, let reason):
            guard var order = try await tx.order(orderId) else { throw unknownOrder(orderId) }
            order.status = .cancelled
            try await tx.saveOrder(order, at: now)
            return try await evaluator.cancel(orderKey: orderId, reason: reason ?? "order cancelled in the source system")
        case .customer(let customer):
            try await tx.upsertCustomer(customer, at: now)
            affected = try await tx.activeOrderIds(customerId: customer.id)
        case .product(let product):
            try await tx.upsertProduct(product, at: now)
            affected = try await tx.activeOrderIds(sku: product.sku)
        case .contract(let contract):
            try await tx.upsertContract(contract, at: now)
            affected = try await tx.activeOrderIds(customerId: contract.customerId)
        case .inventory(let positions):
            for p in positions { try await tx.upsertInventory(p, at: now) }
            if let site = positions.first?.site { affected = try await tx.activeOrderIds(site: site, skus: positions.map(\.sku)) }
        case .carrierCapacity(let capacity):
            try await tx.upsertCapacity(capacity, at: now)
            affected = try await tx.activeOrderIds(lane: capacity.lane, shipDate: capacity.shipDate)
        case .supplierETA(let eta):
            try await tx.upsertSupplierETA(eta, at: now)
            affected = try await tx.activeOrderIds(site: eta.site, skus: [eta.sku])
        case .milestone(let milestone):
            guard try await tx.order(milestone.orderId) != nil else { throw unknownOrder(milestone.orderId) }
            try await tx.upsertMilestone(milestone, at: now)
            affected = [milestone.orderId]
        case .credit(let change):
            guard var customer = try await tx.customer(change.customerId) else {
                throw UnprocessableEvent(code: "unknown_customer",
                                         reason: "Customer \(change.customerId) is not in the customer master; send clearway.customer.upserted.v1 first, then replay")
            }
            customer.creditStanding = change.standing
            if let exposure = change.exposure { customer.creditExposure = exposure }
            if let limit = change.creditLimit { customer.creditLimit = limit }
            try await tx.upsertCustomer(customer, at: now)
            affected = try await tx.activeOrderIds(customerId: customer.id)
        case .message(var message):
            // Read once, at intake: the case keeps this reading even if the model changes.
            if message.triage == nil { message.triage = engine.messageReader.read(message, policy: policy) }
            if message.orderId == nil, let numbers = message.triage?.details.orderNumbers {
                message.orderId = try await tx.orderId(mentioned: numbers, customerId: message.customerId)
            }
            if let orderId = message.orderId, try await tx.order(orderId) != nil {
                try await tx.insertMessage(message)
                affected = [orderId]
            } else {
                // Not tied to an order Clearway knows: kept on the customer's own case so
                // it is not counted again if that order arrives later.
                var unattached = message
                unattached.orderId = nil
                try await tx.insertMessage(unattached)
                return try await evaluator.customerMessage(unattached, referencedOrder: message.orderId).map { [$0] } ?? []
            }
        case .actionResult(let result):
            return try await applyActionResult(result)
        case .pick(let pick):
            guard try await tx.order(pick.orderId) != nil else { throw unknownOrder(pick.orderId) }
            try await tx.upsertPick(pick, at: now)
            affected = [pick.orderId]
        }
        guard !affected.isEmpty else { return [] }
        return try await evaluator.evaluate(orderIds: affected)
    }

    /// Completes or fails an action the system accepted earlier. A result for an action
    /// already settled changes nothing (the system may report twice).
    func applyActionResult(_ result: ActionResult) async throws -> [String] {
        guard var action = try await tx.action(result.actionId) else {
            throw UnprocessableEvent(code: "unknown_action", reason: "Action \(result.actionId) is not known to Clearway")
        }
        guard action.state == .queued || action.state == .delivered else { return [action.caseId] }
        // Only the system the action was sent to reports on it, and only once it was sent:
        // another system's word, or a result for an action never sent, is kept as a dead
        // letter for people to look at, never applied.
        guard source == action.system else {
            throw UnprocessableEvent(code: "wrong_system",
                                     reason: "Action \(result.actionId) was sent to \(action.system); a result from '\(source)' is not accepted")
        }
        let sent = action.state == .delivered ? true : try await tx.deliveryStarted(actionId: action.id)
        guard sent else {
            throw UnprocessableEvent(code: "action_not_delivered",
                                     reason: "Action \(result.actionId) has not been sent to \(action.system) yet; replay this result after it is")
        }
        var detail: [String: JSONValue] = ["status": .string(result.status.rawValue)]
        if let reference = result.reference { detail["reference"] = .string(reference) }
        action.result = .object(detail)
        let steps = ActionSteps(engine: engine, tx: tx, policy: policy, now: now, actor: "system:\(action.system)")
        if result.status == .applied {
            try await steps.move(&action, .applied, reason: "Reported applied by \(trigger)", detail: .object(detail))
        } else {
            action.lastError = result.reason
            try await steps.move(&action, .refused, reason: result.reason, detail: .object(detail))
        }
        return [action.caseId]
    }

    func unknownOrder(_ id: String) -> UnprocessableEvent {
        UnprocessableEvent(code: "unknown_order", reason: "Order \(id) has not been received; replay this event after clearway.order.created.v1 arrives")
    }
}
