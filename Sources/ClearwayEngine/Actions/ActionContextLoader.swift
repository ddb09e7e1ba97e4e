import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// Gathers what the guardrails of an action on this case may look at. `extraSkus`
    /// adds items the action itself names (a substitute, a purchase order's SKU); `known`
    /// is the case's order when the caller holds it as stored (it is read otherwise).
    /// Reference data comes from the cache unless this transaction changed it.
    func actionContext(caseRecord: CaseRecord, extraSkus: Set<String> = [], order known: Order? = nil, tx: StoreTransaction,
                       policy: Policy, now: Instant) async throws -> ActionContext {
        let order: Order? = if let known, known.id == caseRecord.orderId { known }
            else if let id = caseRecord.orderId { try await tx.order(id) } else { nil }
        let site = order?.site ?? caseRecord.site
        let sitePolicy = policy.site(site)
        let skus = (order?.skus ?? []).union(extraSkus)
        let today = sitePolicy.calendar.date(of: now)
        let cached = try await referenceCache.validate(tx)
        let reference = cached
            ? try await referenceCache.guardrailReference(customerId: caseRecord.customerId, site: site, skus: skus, tx: tx)
            : try await Self.guardrailReference(customerId: caseRecord.customerId, site: site, skus: skus, tx: tx)
        var context = ActionContext(order: order, customer: reference.customer, today: today, detection: sitePolicy.detection)
        context.products = reference.products
        context.contracts = reference.contracts
        context.inventory = reference.inventory
        context.supplierETAs = reference.supplierETAs
        if let lane = order?.lane {
            // The calendar is read and decoded once per reference-data version, not per action.
            context.carrierCapacity = cached ? try await referenceCache.capacity(lane: lane, from: today, tx: tx)
                : try await tx.capacity(lane: lane, from: today)
        }
        if let order { context.otherOpenOrderValue = try await tx.activeOrderValue(customerId: order.customerId, excluding: order.id) }
        return context
    }

    /// The guardrails' reference data read from the transaction (it changed reference data).
    static func guardrailReference(customerId: String, site: String, skus: Set<String>, tx: StoreTransaction) async throws -> GuardrailReference {
        GuardrailReference(customer: try await tx.customer(customerId), products: try await tx.products(skus),
                           contracts: try await tx.contracts(customerId: customerId, skus: skus),
                           inventory: try await tx.inventoryAtAllSites(skus: skus),
                           supplierETAs: try await tx.supplierETAs(site: site, skus: skus).filter { !$0.value.isEmpty })
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
