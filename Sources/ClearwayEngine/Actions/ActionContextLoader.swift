import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// Gathers what the guardrails of an action on this case may look at. `extraSkus`
    /// adds items the action itself names (a substitute, a purchase order's SKU); `known`
    /// is the case's order when the caller holds it as stored (it is read otherwise), and
    /// `otherOpenValue` the value of the customer's other open orders when the caller
    /// knows it. Reference data comes from the cache unless this transaction changed it.
    func actionContext(caseRecord: CaseRecord, extraSkus: Set<String> = [], order known: Order? = nil, otherOpenValue: Money? = nil,
                       tx: StoreTransaction, policy: Policy, now: Instant) async throws -> ActionContext {
        let order: Order? = if let known, known.id == caseRecord.orderId { known }
            else if let id = caseRecord.orderId { try await tx.order(id) } else { nil }
        let site = order?.site ?? caseRecord.site
        let sitePolicy = policy.site(site)
        let skus = (order?.skus ?? []).union(extraSkus)
        let today = sitePolicy.calendar.date(of: now)
        // After this transaction changed reference data, a throwaway cache reads it fresh.
        let cache = try await referenceCache.validate(tx) ? referenceCache : ReferenceCache()
        let reference = try await cache.guardrailReference(customerId: caseRecord.customerId, site: site, skus: skus, tx: tx)
        var context = ActionContext(order: order, customer: reference.customer, today: today, detection: sitePolicy.detection)
        context.products = reference.products
        context.contracts = reference.contracts
        context.inventory = reference.inventory
        context.supplierETAs = reference.supplierETAs
        // The lane's calendar is read and decoded once per reference-data version, not per action.
        if let lane = order?.lane { context.carrierCapacity = try await cache.capacity(lane: lane, from: today, tx: tx) }
        if let order {
            context.otherOpenOrderValue = if let otherOpenValue { otherOpenValue } else {
                try await tx.activeOrderValue(customerId: order.customerId, excluding: order.id)
            }
        }
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
