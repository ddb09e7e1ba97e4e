import ClearwayCore
import SQLKit

/// A two-part key of reference data: (customer, SKU) for contracts, (site, SKU) for stock and
/// supplier ETAs, (lane, ship date) for carrier capacity.
public struct ReferenceKey: Hashable, Sendable, Comparable {
    public let first: String
    public let second: String

    public init(_ first: String, _ second: String) { self.first = first; self.second = second }

    public static func < (a: ReferenceKey, b: ReferenceKey) -> Bool { (a.first, a.second) < (b.first, b.second) }
}

/// Reference data for many orders in a few statements: the engine reads what a group of
/// orders needs at once instead of once per order. Each set is read in chunks, so a
/// statement's binds stay well inside both databases' limits.
extension StoreTransaction {
    /// Keys per statement (two binds each).
    static let referenceKeysPerStatement = 250

    public func customers(_ ids: Set<String>) async throws -> [String: Customer] {
        var found: [String: Customer] = [:]
        for chunk in ids.sorted().chunked(Self.referenceKeysPerStatement) {
            for c in try await docs(Customer.self, sql.raw("SELECT doc FROM customers WHERE id IN (\(binds: Array(chunk)))")) {
                found[c.id] = c
            }
        }
        return found
    }

    /// Contracts by (customer, SKU).
    public func contracts(_ keys: Set<ReferenceKey>) async throws -> [ReferenceKey: ContractPrice] {
        var found: [ReferenceKey: ContractPrice] = [:]
        for c in try await docs(ContractPrice.self, keys, "SELECT doc FROM contracts WHERE (customer_id, sku) IN ") {
            found[ReferenceKey(c.customerId, c.sku)] = c
        }
        return found
    }

    /// Stock positions by (site, SKU).
    public func inventory(_ keys: Set<ReferenceKey>) async throws -> [ReferenceKey: InventoryPosition] {
        var found: [ReferenceKey: InventoryPosition] = [:]
        for p in try await docs(InventoryPosition.self, keys, "SELECT doc FROM inventory WHERE (site, sku) IN ") {
            found[ReferenceKey(p.site, p.sku)] = p
        }
        return found
    }

    /// Supplier ETAs by (site, SKU), in purchase-order order (as `supplierETAs(site:skus:)`).
    public func supplierETAs(_ keys: Set<ReferenceKey>) async throws -> [ReferenceKey: [SupplierETA]] {
        let etas = try await docs(SupplierETA.self, keys, "SELECT doc FROM supplier_etas WHERE (site, sku) IN ", orderBy: "purchase_order")
        return Dictionary(grouping: etas) { ReferenceKey($0.site, $0.sku) }
    }

    /// Carrier capacity by (lane, ship date), in carrier order (as `capacity(lane:shipDate:)`).
    public func capacity(_ keys: Set<ReferenceKey>) async throws -> [ReferenceKey: [CarrierCapacity]] {
        let rows = try await docs(CarrierCapacity.self, keys, "SELECT doc FROM carrier_capacity WHERE (lane, ship_date) IN ", orderBy: "carrier")
        return Dictionary(grouping: rows) { ReferenceKey($0.lane, $0.shipDate.description) }
    }

    /// Documents whose two key columns (named in `select`, which ends in `IN `) match any of
    /// `keys`. A row-value `IN` takes a `VALUES` list on both databases.
    private func docs<T: Decodable>(_ type: T.Type, _ keys: Set<ReferenceKey>, _ select: String,
                                    orderBy: String? = nil) async throws -> [T] {
        var found: [T] = []
        for chunk in keys.sorted().chunked(Self.referenceKeysPerStatement) {
            let values: [SQLQueryString] = chunk.map { "(\(bind: $0.first), \(bind: $0.second))" }
            var query = SQLQueryString(select) + "(VALUES " + values.joined(separator: ", ") + ")"
            if let orderBy { query = query + SQLQueryString(" ORDER BY " + orderBy) }
            found += try await docs(type, sql.raw(query))
        }
        return found
    }
}
