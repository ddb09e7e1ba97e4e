import ClearwayCore
import SQLKit



extension StoreTransaction {
    /// Remembers an EDI order once; a repeated interchange changes nothing.
    public func recordEDIOrder(orderId: String, context: EDIOrderContext, at: Instant) async throws {
        try await sql.raw("""
            INSERT INTO edi_orders (order_id, partner, purchase_order, context, received_at, acknowledged_at)
            VALUES (\(bind: orderId), \(bind: context.partner), \(bind: context.purchaseOrder), \(bind: try JSONText.encode(context)), \(bind: at.millis), NULL)
            ON CONFLICT (order_id) DO NOTHING
            """).run()
    }

    /// The EDI context of an order not yet acknowledged, locked for update.
    public func unacknowledgedEDIOrder(_ orderId: String) async throws -> EDIOrderContext? {
        try await sql.raw("SELECT context FROM edi_orders WHERE order_id = \(bind: orderId) AND acknowledged_at IS NULL\(unsafeRaw: dialect.forUpdate)")
            .first().map { try JSONText.decode(EDIOrderContext.self, $0.decode(column: "context", as: String.self)) }
    }

    public func storeOutbound(_ o: EDIOutbound) async throws {
        try await sql.raw("""
            INSERT INTO edi_outbound (id, partner, kind, order_id, purchase_order, created_at, document)
            VALUES (\(bind: o.id), \(bind: o.partner), \(bind: o.kind), \(bind: o.orderId), \(bind: o.purchaseOrder), \(bind: o.createdAt.millis), \(bind: o.document))
            """).run()
        try await sql.raw("UPDATE edi_orders SET acknowledged_at = \(bind: o.createdAt.millis) WHERE order_id = \(bind: o.orderId)").run()
    }
}

extension CaseQueries {
    /// Outbound documents, newest first, optionally for one order and only for some partners.
    public func ediOutbound(orderId: String?, partners: Set<String>? = nil, limit: Int) async throws -> [EDIOutbound] {
        if let partners, partners.isEmpty { return [] }
        return try await database.read { sql in
            var query: SQLQueryString = "SELECT * FROM edi_outbound WHERE 1 = 1"
            if let orderId { query = query + " AND order_id = \(bind: orderId)" }
            if let partners { query = query + " AND partner IN (\(binds: partners.sorted()))" }
            let rows = try await sql.raw(query + " ORDER BY created_at DESC LIMIT \(bind: limit)").all()
            return try rows.map { r in
                EDIOutbound(id: try r.decode(column: "id", as: String.self), partner: try r.decode(column: "partner", as: String.self),
                            kind: try r.decode(column: "kind", as: String.self), orderId: try r.decode(column: "order_id", as: String.self),
                            purchaseOrder: try r.decode(column: "purchase_order", as: String.self),
                            createdAt: Instant(millis: try r.decode(column: "created_at", as: Int64.self)),
                            document: try r.decode(column: "document", as: String.self))
            }
        }
    }
}

extension CaseQueries {
    /// The order an EDI purchase order became, if it came by EDI.
    public func ediOrderId(purchaseOrder: String) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT order_id FROM edi_orders WHERE purchase_order = \(bind: purchaseOrder) ORDER BY received_at DESC LIMIT 1")
                .first()?.decode(column: "order_id", as: String.self)
        }
    }
}
