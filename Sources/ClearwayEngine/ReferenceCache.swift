import ClearwayCore
import ClearwayStore
import Synchronization

/// Reference data (customers, products, contracts, stock, lane capacity, supplier ETAs)
/// kept in memory between transactions. Every reference write bumps a version row in the
/// same transaction, and each transaction reads that version once: if another node (or
/// this one) changed anything, the whole copy is dropped. Absent entries are cached too,
/// so an order without a contract does not ask again.
final class ReferenceCache: Sendable {
    struct State {
        var version: Int64 = -1
        var customers: [String: Customer?] = [:]
        var products: [String: Product?] = [:]
        var contracts: [String: ContractPrice?] = [:]
        var inventory: [String: InventoryPosition?] = [:]
        var capacity: [String: [CarrierCapacity]] = [:]
        var etas: [String: [SupplierETA]] = [:]
        /// A lane's capacity calendar from a day on, as the guardrails read it.
        var capacityAhead: [String: [CarrierCapacity]] = [:]
        /// A SKU's stock at every site (site → position), as the guardrails read it.
        var stockEverywhere: [String: [String: InventoryPosition]] = [:]
        var entries: Int {
            customers.count + products.count + contracts.count + inventory.count + capacity.count + etas.count + capacityAhead.count
                + stockEverywhere.count
        }
    }

    private let state = Mutex(State())
    let maxEntries: Int

    init(maxEntries: Int = 500_000) { self.maxEntries = maxEntries }

    /// Reads the committed version and drops the copy if it moved. Returns false when the
    /// transaction has written reference data itself (then the cache must not be used).
    func validate(_ tx: StoreTransaction) async throws -> Bool {
        guard !tx.hasWrittenReferenceData else { return false }
        let version = try await tx.referenceVersion()
        state.withLock { s in
            if s.version != version || s.entries > maxEntries { s = State(); s.version = version }
        }
        return true
    }

    func context(for order: Order, tx: StoreTransaction) async throws -> ReferenceContext {
        let skus = order.skus
        var context = ReferenceContext()
        let cached = state.withLock { s in
            (s.customers[order.customerId],
             skus.compactMap { sku in s.products[sku].map { (sku, $0) } },
             skus.compactMap { sku in s.contracts["\(order.customerId)|\(sku)"].map { (sku, $0) } },
             skus.compactMap { sku in s.inventory["\(order.site)|\(sku)"].map { (sku, $0) } },
             order.lane.flatMap { s.capacity["\($0)|\(order.requestedShipDate)"] },
             skus.compactMap { sku in s.etas["\(order.site)|\(sku)"].map { (sku, $0) } })
        }
        if let customer = cached.0 { context.customer = customer } else {
            let customer = try await tx.customer(order.customerId)
            context.customer = customer
            state.withLock { $0.customers[order.customerId] = .some(customer) }
        }
        context.products = try await fill(skus, cached: cached.1, load: { try await tx.products($0) }, store: { s, sku, v in s.products[sku] = .some(v) })
        context.contracts = try await fill(skus, cached: cached.2, load: { try await tx.contracts(customerId: order.customerId, skus: $0) },
                                           store: { s, sku, v in s.contracts["\(order.customerId)|\(sku)"] = .some(v) })
        context.inventory = try await fill(skus, cached: cached.3, load: { try await tx.inventory(site: order.site, skus: $0) },
                                           store: { s, sku, v in s.inventory["\(order.site)|\(sku)"] = .some(v) })
        if let lane = order.lane {
            if let hit = cached.4 { context.carrierCapacity = hit } else {
                let rows = try await tx.capacity(lane: lane, shipDate: order.requestedShipDate)
                context.carrierCapacity = rows
                state.withLock { $0.capacity["\(lane)|\(order.requestedShipDate)"] = rows }
            }
        }
        var etas = Dictionary(uniqueKeysWithValues: cached.5)
        let missing = skus.subtracting(etas.keys)
        if !missing.isEmpty {
            let loaded = try await tx.supplierETAs(site: order.site, skus: missing)
            state.withLock { s in for sku in missing { s.etas["\(order.site)|\(sku)"] = loaded[sku] ?? [] } }
            for sku in missing { etas[sku] = loaded[sku] ?? [] }
        }
        context.supplierETAs = etas.filter { !$0.value.isEmpty }
        return context
    }

    /// A lane's capacity from `day` on (at most 200 days, see `StoreTransaction.capacity(lane:from:)`).
    /// Call only after `validate` returned true for this transaction.
    func capacity(lane: String, from day: LocalDate, tx: StoreTransaction) async throws -> [CarrierCapacity] {
        let key = "\(lane)|\(day)"
        if let hit = state.withLock({ $0.capacityAhead[key] }) { return hit }
        let rows = try await tx.capacity(lane: lane, from: day)
        state.withLock { $0.capacityAhead[key] = rows }
        return rows
    }

    /// What the guardrails of an action look at besides the order: the customer, the
    /// products and contracts of `skus`, their stock at every site (site → SKU → position)
    /// and supplier ETAs at `site`. Call only after `validate` returned true for this
    /// transaction.
    func guardrailReference(customerId: String, site: String, skus: Set<String>, tx: StoreTransaction) async throws -> GuardrailReference {
        var reference = GuardrailReference()
        let cached = state.withLock { s in
            (s.customers[customerId],
             skus.compactMap { sku in s.products[sku].map { (sku, $0) } },
             skus.compactMap { sku in s.contracts["\(customerId)|\(sku)"].map { (sku, $0) } },
             skus.compactMap { sku in s.stockEverywhere[sku].map { (sku, $0) } },
             skus.compactMap { sku in s.etas["\(site)|\(sku)"].map { (sku, $0) } })
        }
        if let customer = cached.0 { reference.customer = customer } else {
            reference.customer = try await tx.customer(customerId)
            state.withLock { [customer = reference.customer] in $0.customers[customerId] = .some(customer) }
        }
        reference.products = try await fill(skus, cached: cached.1, load: { try await tx.products($0) }, store: { s, sku, v in s.products[sku] = .some(v) })
        reference.contracts = try await fill(skus, cached: cached.2, load: { try await tx.contracts(customerId: customerId, skus: $0) },
                                             store: { s, sku, v in s.contracts["\(customerId)|\(sku)"] = .some(v) })
        var stock = Dictionary(uniqueKeysWithValues: cached.3)
        let unstocked = skus.subtracting(stock.keys)
        if !unstocked.isEmpty {
            var loaded: [String: [String: InventoryPosition]] = [:]
            for (site, positions) in try await tx.inventoryAtAllSites(skus: unstocked) {
                for (sku, position) in positions { loaded[sku, default: [:]][site] = position }
            }
            state.withLock { s in for sku in unstocked { s.stockEverywhere[sku] = loaded[sku] ?? [:] } }
            for sku in unstocked { stock[sku] = loaded[sku] ?? [:] }
        }
        for (sku, sites) in stock { for (site, position) in sites { reference.inventory[site, default: [:]][sku] = position } }
        var etas = Dictionary(uniqueKeysWithValues: cached.4)
        let missing = skus.subtracting(etas.keys)
        if !missing.isEmpty {
            let loaded = try await tx.supplierETAs(site: site, skus: missing)
            state.withLock { s in for sku in missing { s.etas["\(site)|\(sku)"] = loaded[sku] ?? [] } }
            for sku in missing { etas[sku] = loaded[sku] ?? [] }
        }
        reference.supplierETAs = etas.filter { !$0.value.isEmpty }
        return reference
    }

    /// Cached values for `keys`, loading and remembering (as present or absent) the rest.
    private func fill<V>(_ keys: Set<String>, cached: [(String, V?)], load: (Set<String>) async throws -> [String: V],
                         store: @escaping (inout State, String, V?) -> Void) async throws -> [String: V] {
        var result: [String: V] = [:]
        for (key, value) in cached { if let value { result[key] = value } }
        let missing = keys.subtracting(cached.map(\.0))
        guard !missing.isEmpty else { return result }
        let loaded = try await load(missing)
        state.withLock { s in for key in missing { store(&s, key, loaded[key]) } }
        result.merge(loaded) { a, _ in a }
        return result
    }
}

/// The reference data the guardrails of an action read (see `guardrailReference`).
struct GuardrailReference {
    var customer: Customer?
    var products: [String: Product] = [:]
    var contracts: [String: ContractPrice] = [:]
    var inventory: [String: [String: InventoryPosition]] = [:]
    var supplierETAs: [String: [SupplierETA]] = [:]
}
