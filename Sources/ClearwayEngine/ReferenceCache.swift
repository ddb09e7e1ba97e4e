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
        context.customer = try await customer(order.customerId, tx: tx)
        context.products = try await products(skus, tx: tx)
        context.contracts = try await contracts(customerId: order.customerId, skus: skus, tx: tx)
        let stocked = state.withLock { s in skus.compactMap { sku in s.inventory["\(order.site)|\(sku)"].map { (sku, $0) } } }
        context.inventory = try await fill(skus, cached: stocked, load: { try await tx.inventory(site: order.site, skus: $0) },
                                           store: { s, sku, v in s.inventory["\(order.site)|\(sku)"] = .some(v) })
        if let lane = order.lane {
            let key = "\(lane)|\(order.requestedShipDate)"
            if let hit = state.withLock({ $0.capacity[key] }) { context.carrierCapacity = hit } else {
                let rows = try await tx.capacity(lane: lane, shipDate: order.requestedShipDate)
                context.carrierCapacity = rows
                state.withLock { $0.capacity[key] = rows }
            }
        }
        context.supplierETAs = try await supplierETAs(site: order.site, skus: skus, tx: tx)
        return context
    }

    /// Reads, in a few statements, everything `context(for:)` will ask about `orders` that is
    /// not cached yet (absent entries are remembered as absent), so a group of orders costs
    /// one read per kind of reference data instead of several per order. Call only after
    /// `validate` returned true for this transaction (or on a cache of its own). Stock at
    /// every site, which only touchless actions' guardrails read, is left to them: read
    /// for every order of a group, it cost replays 10% more time than it saved.
    func prefetch(_ orders: [Order], tx: StoreTransaction) async throws {
        var customers = Set<String>(), products = Set<String>()
        var contracts = Set<ReferenceKey>(), stock = Set<ReferenceKey>(), lanes = Set<ReferenceKey>()
        state.withLock { s in
            for order in orders {
                if s.customers[order.customerId] == nil { customers.insert(order.customerId) }
                for sku in order.skus {
                    if s.products[sku] == nil { products.insert(sku) }
                    if s.contracts["\(order.customerId)|\(sku)"] == nil { contracts.insert(ReferenceKey(order.customerId, sku)) }
                    // Stock and supplier ETAs are cached per (site, SKU) and read together.
                    if s.inventory["\(order.site)|\(sku)"] == nil || s.etas["\(order.site)|\(sku)"] == nil {
                        stock.insert(ReferenceKey(order.site, sku))
                    }
                }
                if let lane = order.lane, s.capacity["\(lane)|\(order.requestedShipDate)"] == nil {
                    lanes.insert(ReferenceKey(lane, order.requestedShipDate.description))
                }
            }
        }
        let loadedCustomers = customers.isEmpty ? [:] : try await tx.customers(customers)
        let loadedProducts = products.isEmpty ? [:] : try await tx.products(products)
        let loadedContracts = contracts.isEmpty ? [:] : try await tx.contracts(contracts)
        let loadedStock = stock.isEmpty ? [:] : try await tx.inventory(stock)
        let loadedETAs = stock.isEmpty ? [:] : try await tx.supplierETAs(stock)
        let loadedLanes = lanes.isEmpty ? [:] : try await tx.capacity(lanes)
        state.withLock { s in
            for id in customers { s.customers[id] = .some(loadedCustomers[id]) }
            for sku in products { s.products[sku] = .some(loadedProducts[sku]) }
            for key in contracts { s.contracts["\(key.first)|\(key.second)"] = .some(loadedContracts[key]) }
            for key in stock {
                s.inventory["\(key.first)|\(key.second)"] = .some(loadedStock[key])
                s.etas["\(key.first)|\(key.second)"] = loadedETAs[key] ?? []
            }
            for key in lanes { s.capacity["\(key.first)|\(key.second)"] = loadedLanes[key] ?? [] }
        }
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
    /// transaction (or on a throwaway cache).
    func guardrailReference(customerId: String, site: String, skus: Set<String>, tx: StoreTransaction) async throws -> GuardrailReference {
        var reference = GuardrailReference()
        reference.customer = try await customer(customerId, tx: tx)
        reference.products = try await products(skus, tx: tx)
        reference.contracts = try await contracts(customerId: customerId, skus: skus, tx: tx)
        var stock = Dictionary(uniqueKeysWithValues: state.withLock { s in skus.compactMap { sku in s.stockEverywhere[sku].map { (sku, $0) } } })
        let unstocked = skus.subtracting(stock.keys)
        if !unstocked.isEmpty { stock.merge(try await loadStockEverywhere(unstocked, tx: tx)) { a, _ in a } }
        for (sku, sites) in stock { for (site, position) in sites { reference.inventory[site, default: [:]][sku] = position } }
        reference.supplierETAs = try await supplierETAs(site: site, skus: skus, tx: tx)
        return reference
    }

    /// Reads and remembers the stock of `skus` at every site (site → position per SKU).
    private func loadStockEverywhere(_ skus: Set<String>, tx: StoreTransaction) async throws -> [String: [String: InventoryPosition]] {
        var loaded: [String: [String: InventoryPosition]] = [:]
        for (site, positions) in try await tx.inventoryAtAllSites(skus: skus) {
            for (sku, position) in positions { loaded[sku, default: [:]][site] = position }
        }
        for sku in skus where loaded[sku] == nil { loaded[sku] = [:] }
        state.withLock { s in for (sku, sites) in loaded { s.stockEverywhere[sku] = sites } }
        return loaded
    }

    private func customer(_ id: String, tx: StoreTransaction) async throws -> Customer? {
        if let hit = state.withLock({ $0.customers[id] }) { return hit }
        let customer = try await tx.customer(id)
        state.withLock { $0.customers[id] = .some(customer) }
        return customer
    }

    private func products(_ skus: Set<String>, tx: StoreTransaction) async throws -> [String: Product] {
        let cached = state.withLock { s in skus.compactMap { sku in s.products[sku].map { (sku, $0) } } }
        return try await fill(skus, cached: cached, load: { try await tx.products($0) }, store: { s, sku, v in s.products[sku] = .some(v) })
    }

    private func contracts(customerId: String, skus: Set<String>, tx: StoreTransaction) async throws -> [String: ContractPrice] {
        let cached = state.withLock { s in skus.compactMap { sku in s.contracts["\(customerId)|\(sku)"].map { (sku, $0) } } }
        return try await fill(skus, cached: cached, load: { try await tx.contracts(customerId: customerId, skus: $0) },
                              store: { s, sku, v in s.contracts["\(customerId)|\(sku)"] = .some(v) })
    }

    /// Supplier ETAs of `skus` at `site`, only the SKUs that have any.
    private func supplierETAs(site: String, skus: Set<String>, tx: StoreTransaction) async throws -> [String: [SupplierETA]] {
        var etas = Dictionary(uniqueKeysWithValues: state.withLock { s in skus.compactMap { sku in s.etas["\(site)|\(sku)"].map { (sku, $0) } } })
        let missing = skus.subtracting(etas.keys)
        if !missing.isEmpty {
            let loaded = try await tx.supplierETAs(site: site, skus: missing)
            state.withLock { s in for sku in missing { s.etas["\(site)|\(sku)"] = loaded[sku] ?? [] } }
            for sku in missing { etas[sku] = loaded[sku] ?? [] }
        }
        return etas.filter { !$0.value.isEmpty }
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
