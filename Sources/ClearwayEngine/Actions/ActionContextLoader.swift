import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// Gathers what the guardrails of an action on this case may look at. `extraSkus`
    /// adds items the action itself names (a substitute, a purchase order's SKU).
    func actionContext(caseRecord: CaseRecord, extraSkus: Set<String> = [], tx: StoreTransaction, policy: Policy, now: Instant) async throws -> ActionContext {
        let order: Order? = if let id = caseRecord.orderId { try await tx.order(id) } else { nil }
        let customer = try await tx.customer(caseRecord.customerId)
        let site = order?.site ?? caseRecord.site
        let sitePolicy = policy.site(site)
        let skus = (order?.skus ?? []).union(extraSkus)
        var context = ActionContext(order: order, customer: customer, today: sitePolicy.calendar.date(of: now), detection: sitePolicy.detection)
        context.products = try await tx.products(skus)
        context.contracts = try await tx.contracts(customerId: caseRecord.customerId, skus: skus)
        context.inventory = try await tx.inventoryAtAllSites(skus: skus)
        if let lane = order?.lane {
            // The calendar is read and decoded once per reference-data version, not per action.
            context.carrierCapacity = try await referenceCache.validate(tx)
                ? referenceCache.capacity(lane: lane, from: context.today, tx: tx)
                : tx.capacity(lane: lane, from: context.today)
        }
        context.supplierETAs = try await tx.supplierETAs(site: site, skus: skus)
        if let order { context.otherOpenOrderValue = try await tx.activeOrderValue(customerId: order.customerId, excluding: order.id) }
        return context
    }
}

extension ActionParameters {
    /// SKUs the action names that the order itself may not hold.
    var namedSkus: Set<String> {
        switch self {
        case .approveSubstitution(_, let sku), .expeditePurchaseOrder(_, let sku, _), .postWarehouseCount(let sku): [sku]
        default: []
        }
    }
}
