import ClearwayCore
import SQLKit

/// Reference data and orders: the latest copy of what the source systems reported.
extension StoreTransaction {
    public func upsertCustomer(_ c: Customer, at: Instant) async throws {
        try await referenceChanged()
        try await sql.raw("""
            INSERT INTO customers (id, doc, updated_at) VALUES (\(bind: c.id), \(bind: try JSONText.encode(c)), \(bind: at.millis))
            ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertProduct(_ p: Product, at: Instant) async throws {
        try await referenceChanged()
        try await sql.raw("""
            INSERT INTO products (sku, doc, updated_at) VALUES (\(bind: p.sku), \(bind: try JSONText.encode(p)), \(bind: at.millis))
            ON CONFLICT (sku) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertContract(_ c: ContractPrice, at: Instant) async throws {
        try await referenceChanged()
        try await sql.raw("""
            INSERT INTO contracts (customer_id, sku, doc, updated_at) VALUES (\(bind: c.customerId), \(bind: c.sku), \(bind: try JSONText.encode(c)), \(bind: at.millis))
            ON CONFLICT (customer_id, sku) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertInventory(_ p: InventoryPosition, at: Instant) async throws {
        try await referenceChanged()
        try await sql.raw("""
            INSERT INTO inventory (site, sku, doc, updated_at) VALUES (\(bind: p.site), \(bind: p.sku), \(bind: try JSONText.encode(p)), \(bind: at.millis))
            ON CONFLICT (site, sku) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertCapacity(_ c: CarrierCapacity, at: Instant) async throws {
        try await referenceChanged()
        try await sql.raw("""
            INSERT INTO carrier_capacity (carrier, lane, ship_date, doc, updated_at)
            VALUES (\(bind: c.carrier), \(bind: c.lane), \(bind: c.shipDate.description), \(bind: try JSONText.encode(c)), \(bind: at.millis))
            ON CONFLICT (carrier, lane, ship_date) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertSupplierETA(_ e: SupplierETA, at: Instant) async throws {
        try await referenceChanged()
        try await sql.raw("""
            INSERT INTO supplier_etas (purchase_order, sku, site, doc, updated_at)
            VALUES (\(bind: e.purchaseOrder), \(bind: e.sku), \(bind: e.site), \(bind: try JSONText.encode(e)), \(bind: at.millis))
            ON CONFLICT (purchase_order, sku) DO UPDATE SET site = excluded.site, doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertMilestone(_ m: ShipmentMilestone, at: Instant) async throws {
        try await sql.raw("""
            INSERT INTO milestones (order_id, shipment_id, doc, updated_at)
            VALUES (\(bind: m.orderId), \(bind: m.shipmentId), \(bind: try JSONText.encode(m)), \(bind: at.millis))
            ON CONFLICT (order_id, shipment_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func upsertPick(_ p: PickConfirmation, at: Instant) async throws {
        try await sql.raw("""
            INSERT INTO picks (order_id, doc, updated_at) VALUES (\(bind: p.orderId), \(bind: try JSONText.encode(p)), \(bind: at.millis))
            ON CONFLICT (order_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
            """).run()
    }

    public func insertMessage(_ m: CustomerMessage) async throws {
        try await sql.raw("""
            INSERT INTO messages (message_id, customer_id, order_id, doc, received_at)
            VALUES (\(bind: m.messageId), \(bind: m.customerId), \(bind: m.orderId), \(bind: try JSONText.encode(m)), \(bind: m.receivedAt.millis))
            ON CONFLICT (message_id) DO NOTHING
            """).run()
    }

    /// One stored message, locked for update.
    public func message(_ id: String) async throws -> CustomerMessage? {
        try await docs(CustomerMessage.self, sql.raw("SELECT doc FROM messages WHERE message_id = \(bind: id)\(unsafeRaw: dialect.forUpdate)")).first
    }

    /// Rewrites a stored message (a person corrected how it was read).
    public func updateMessage(_ m: CustomerMessage) async throws {
        try await sql.raw("UPDATE messages SET doc = \(bind: try JSONText.encode(m)) WHERE message_id = \(bind: m.messageId)").run()
    }

    public func customer(_ id: String) async throws -> Customer? {
        try await sql.raw("SELECT doc FROM customers WHERE id = \(bind: id)").first().map { try JSONText.decode(Customer.self, $0.decode(column: "doc", as: String.self)) }
    }

    public func products(_ skus: Set<String>) async throws -> [String: Product] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT doc FROM products WHERE sku IN (\(binds: skus.sorted()))").all()
        return try Dictionary(rows.map { let p = try JSONText.decode(Product.self, $0.decode(column: "doc", as: String.self)); return (p.sku, p) }, uniquingKeysWith: { a, _ in a })
    }

    public func contracts(customerId: String, skus: Set<String>) async throws -> [String: ContractPrice] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT doc FROM contracts WHERE customer_id = \(bind: customerId) AND sku IN (\(binds: skus.sorted()))").all()
        return try Dictionary(rows.map { let c = try JSONText.decode(ContractPrice.self, $0.decode(column: "doc", as: String.self)); return (c.sku, c) }, uniquingKeysWith: { a, _ in a })
    }

    public func inventory(site: String, skus: Set<String>) async throws -> [String: InventoryPosition] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT doc FROM inventory WHERE site = \(bind: site) AND sku IN (\(binds: skus.sorted()))").all()
        return try Dictionary(rows.map { let p = try JSONText.decode(InventoryPosition.self, $0.decode(column: "doc", as: String.self)); return (p.sku, p) }, uniquingKeysWith: { a, _ in a })
    }

    public func capacity(lane: String, shipDate: LocalDate) async throws -> [CarrierCapacity] {
        try await docs(CarrierCapacity.self, sql.raw("SELECT doc FROM carrier_capacity WHERE lane = \(bind: lane) AND ship_date = \(bind: shipDate.description) ORDER BY carrier"))
    }

    public func supplierETAs(site: String, skus: Set<String>) async throws -> [String: [SupplierETA]] {
        guard !skus.isEmpty else { return [:] }
        let etas = try await docs(SupplierETA.self, sql.raw("""
            SELECT doc FROM supplier_etas WHERE site = \(bind: site) AND sku IN (\(binds: skus.sorted()))
            ORDER BY purchase_order
            """))
        return Dictionary(grouping: etas, by: \.sku)
    }

    public func milestones(orderId: String) async throws -> [ShipmentMilestone] {
        try await docs(ShipmentMilestone.self, sql.raw("SELECT doc FROM milestones WHERE order_id = \(bind: orderId) ORDER BY shipment_id"))
    }

    public func pick(orderId: String) async throws -> PickConfirmation? {
        try await docs(PickConfirmation.self, sql.raw("SELECT doc FROM picks WHERE order_id = \(bind: orderId)")).first
    }

    /// The order's customer messages still to answer: a message whose request was resolved or
    /// cancelled in an earlier case of the order is not raised again when the order changes.
    public func messages(orderId: String) async throws -> [CustomerMessage] {
        try await docs(CustomerMessage.self, sql.raw("""
            SELECT m.doc FROM messages m WHERE m.order_id = \(bind: orderId) AND NOT EXISTS (\(unsafeRaw: Self.answeredMessage))
            ORDER BY m.received_at, m.message_id
            """))
    }

    func docs<T: Decodable>(_ type: T.Type, _ query: SQLRawBuilder) async throws -> [T] {
        try await query.all().map { try JSONText.decode(type, $0.decode(column: "doc", as: String.self)) }
    }

    // MARK: Orders

    /// The order, locked against concurrent changes on PostgreSQL until this transaction ends.
    /// The first of the customer's orders a message's text mentions: an exact id, or for a
    /// bare number an id that ends in it after a separator (`200117` finds `SO-200117`).
    public func orderId(mentioned numbers: [String], customerId: String) async throws -> String? {
        for number in numbers.prefix(5) {
            let exact = try await sql.raw("SELECT id FROM orders WHERE id = \(bind: number) AND customer_id = \(bind: customerId)").first()
            if let id = try exact?.decode(column: "id", as: String.self) { return id }
            guard number.allSatisfy(\.isNumber) else { continue }
            let suffixed = try await sql.raw("""
                SELECT id FROM orders WHERE customer_id = \(bind: customerId) AND (id LIKE \(bind: "%-" + number) OR id LIKE \(bind: "%#" + number))
                ORDER BY id LIMIT 1
                """).first()
            if let id = try suffixed?.decode(column: "id", as: String.self) { return id }
        }
        return nil
    }

    public func order(_ id: String) async throws -> Order? {
        try await docs(Order.self, sql.raw("SELECT doc FROM orders WHERE id = \(bind: id)\(unsafeRaw: dialect.forUpdate)")).first
    }

    /// Stores the order; returns true when Clearway had not seen it before (a new order
    /// can skip looking for milestones, picks, messages and cases that cannot exist yet).
    @discardableResult
    public func saveOrder(_ o: Order, at: Instant) async throws -> Bool {
        let active = o.status.isActive ? 1 : 0
        let doc = try StoredDocument.order(o)
        let inserted = try await sql.raw("""
            INSERT INTO orders (id, customer_id, site, lane, ship_date, status, active, total, doc, updated_at)
            VALUES (\(bind: o.id), \(bind: o.customerId), \(bind: o.site), \(bind: o.lane), \(bind: o.requestedShipDate.description),
                    \(bind: o.status.rawValue), \(bind: active), \(bind: o.total.tenThousandths), \(bind: doc), \(bind: at.millis))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """).first() != nil
        if !inserted {
            try await sql.raw("""
                UPDATE orders SET customer_id = \(bind: o.customerId), site = \(bind: o.site), lane = \(bind: o.lane),
                    ship_date = \(bind: o.requestedShipDate.description), status = \(bind: o.status.rawValue), active = \(bind: active),
                    total = \(bind: o.total.tenThousandths), doc = \(bind: doc), updated_at = \(bind: at.millis)
                WHERE id = \(bind: o.id)
                """).run()
            try await sql.raw("DELETE FROM order_skus WHERE order_id = \(bind: o.id)").run()
        }
        if active == 1, !o.skus.isEmpty {
            let rows: [SQLQueryString] = o.skus.sorted().map { "(\(bind: o.id), \(bind: o.site), \(bind: $0))" }
            try await sql.raw("INSERT INTO order_skus (order_id, site, sku) VALUES " + rows.joined(separator: ", ")).run()
        }
        return inserted
    }

    /// Active orders holding any of these SKUs at a site (inventory and supplier events).
    public func activeOrderIds(site: String, skus: [String]) async throws -> [String] {
        guard !skus.isEmpty else { return [] }
        return try await sql.raw("SELECT DISTINCT order_id FROM order_skus WHERE site = \(bind: site) AND sku IN (\(binds: skus)) ORDER BY order_id").all()
            .map { try $0.decode(column: "order_id", as: String.self) }
    }

    /// Active orders holding a SKU at any site (product master changes).
    public func activeOrderIds(sku: String) async throws -> [String] {
        try await sql.raw("SELECT DISTINCT order_id FROM order_skus WHERE sku = \(bind: sku) ORDER BY order_id").all()
            .map { try $0.decode(column: "order_id", as: String.self) }
    }

    public func activeOrderIds(customerId: String) async throws -> [String] {
        try await sql.raw("SELECT id FROM orders WHERE customer_id = \(bind: customerId) AND active = 1 ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
    }

    public func activeOrderIds(lane: String, shipDate: LocalDate) async throws -> [String] {
        try await sql.raw("SELECT id FROM orders WHERE lane = \(bind: lane) AND ship_date = \(bind: shipDate.description) AND active = 1 ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
    }

    /// Value of the customer's other active orders, which count toward credit exposure.
    /// The customer's open order value less this order's own: both sums read the covering
    /// index `orders_customer_exposure` (a filter on `id` would fetch every order's row).
    public func activeOrderValue(customerId: String, excluding orderId: String) async throws -> Money {
        let row = try await sql.raw("""
            SELECT CAST((SELECT COALESCE(SUM(total), 0) FROM orders
                         WHERE customer_id = \(bind: customerId) AND active = 1 AND status <> 'released')
                      - (SELECT COALESCE(SUM(total), 0) FROM orders
                         WHERE id = \(bind: orderId) AND customer_id = \(bind: customerId) AND active = 1 AND status <> 'released')
                   AS BIGINT) AS total
            """).first()
        return Money(tenThousandths: try row?.decode(column: "total", as: Int64.self) ?? 0)
    }
}
