/// Reads each event type's `data` into the canonical model, collecting a problem for
/// every bad field. Status codes are translated through the policy's status maps for the
/// event's source; an unmapped code makes the event unprocessable (dead letter), not invalid.
public enum EventPayloads {
    public struct Context: Sendable {
        public var source: String
        public var time: Instant
        public var policy: Policy
        public init(source: String, time: Instant, policy: Policy) { self.source = source; self.time = time; self.policy = policy }
    }

    /// Validates `data`; returns nil when problems were recorded in `sink`.
    public static func read(_ type: EventType, _ d: FieldReader, _ ctx: Context) throws(UnprocessableEvent) -> CanonicalEvent? {
        switch type {
        case .orderCreated, .orderUpdated: return try order(d, ctx).map(CanonicalEvent.order)
        case .orderCancelled:
            let id = d.string("orderId"); let reason = d.string("reason", required: false)
            return id.map { .orderCancelled(orderId: $0, reason: reason) }
        case .customerUpserted: return customer(d).map(CanonicalEvent.customer)
        case .productUpserted: return product(d).map(CanonicalEvent.product)
        case .contractUpserted:
            let c = (d.string("customerId"), d.string("sku"), d.money("price"),
                     d.number("tolerancePercent", required: false, min: 0, max: 100),
                     d.date("validFrom", required: false), d.date("validTo", required: false))
            guard let customerId = c.0, let sku = c.1, let price = c.2 else { return nil }
            return .contract(ContractPrice(customerId: customerId, sku: sku, price: price, tolerancePercent: c.3, validFrom: c.4, validTo: c.5))
        case .inventorySnapshot:
            let site = d.string("site")
            let items = d.objects("positions", minCount: 1).compactMap { p -> InventoryPosition? in
                let v = (p.string("sku"), p.number("erpOnHand", min: 0), p.number("wmsOnHand", min: 0), p.number("allocated", required: false, min: 0))
                guard let site, let sku = v.0, let erp = v.1, let wms = v.2 else { return nil }
                return InventoryPosition(site: site, sku: sku, erpOnHand: erp, wmsOnHand: wms, allocated: v.3 ?? 0)
            }
            return site == nil || items.isEmpty ? nil : .inventory(items)
        case .carrierCapacity:
            let v = (d.string("carrier"), d.string("lane"), d.date("shipDate"), d.number("capacity", min: 0), d.number("booked", min: 0))
            guard let carrier = v.0, let lane = v.1, let date = v.2, let cap = v.3, let booked = v.4 else { return nil }
            return .carrierCapacity(CarrierCapacity(carrier: carrier, lane: lane, shipDate: date, capacity: Int(cap), booked: Int(booked)))
        case .supplierEtaUpdated:
            let v = (d.string("purchaseOrder"), d.string("supplierId"), d.string("site"), d.string("sku"),
                     d.number("quantity", min: 0), d.date("eta"), d.date("previousEta", required: false))
            guard let po = v.0, let sup = v.1, let site = v.2, let sku = v.3, let qty = v.4, let eta = v.5 else { return nil }
            return .supplierETA(SupplierETA(purchaseOrder: po, supplierId: sup, site: site, sku: sku, quantity: qty, eta: eta, previousEta: v.6))
        case .shipmentMilestone:
            let v = (d.string("orderId"), d.string("shipmentId"), d.string("carrier"), d.oneOf("status", MilestoneStatus.self),
                     d.timestamp("occurredAt", required: false), d.string("reason", required: false),
                     d.date("promisedDelivery", required: false), d.date("estimatedDelivery", required: false))
            guard let order = v.0, let shipment = v.1, let carrier = v.2, let status = v.3 else { return nil }
            return .milestone(ShipmentMilestone(orderId: order, shipmentId: shipment, carrier: carrier, status: status,
                                                occurredAt: v.4 ?? ctx.time, reason: v.5, promisedDelivery: v.6, estimatedDelivery: v.7))
        case .creditStatusChanged:
            let v = (d.string("customerId"), d.oneOf("standing", CreditStanding.self), d.money("exposure", required: false), d.money("creditLimit", required: false))
            guard let id = v.0, let standing = v.1 else { return nil }
            return .credit(CreditStatusChange(customerId: id, standing: standing, exposure: v.2, creditLimit: v.3))
        case .customerMessageReceived:
            let v = (d.string("messageId"), d.string("customerId"), d.string("orderId", required: false), d.string("channel", required: false),
                     d.string("subject", required: false, nonEmpty: false), d.string("body"), d.timestamp("receivedAt", required: false))
            guard let id = v.0, let customer = v.1, let body = v.5 else { return nil }
            return .message(CustomerMessage(messageId: id, customerId: customer, orderId: v.2, channel: v.3 ?? "email",
                                            subject: v.4, body: body, receivedAt: v.6 ?? ctx.time))
        case .actionResult:
            let v = (d.string("actionId"), d.oneOf("status", ActionResult.Status.self), d.string("reason", required: false), d.string("reference", required: false))
            guard let id = v.0, let status = v.1 else { return nil }
            if status == .rejected, v.2 == nil { d.fail("reason", "is required when status is rejected"); return nil }
            return .actionResult(ActionResult(actionId: id, status: status, reason: v.2, reference: v.3))
        case .pickConfirmed:
            let order = d.string("orderId"), site = d.string("site"), at = d.timestamp("confirmedAt", required: false)
            let lines = d.objects("lines", minCount: 1).compactMap { l -> PickedLine? in
                let v = (l.number("lineNumber", min: 1), l.string("sku"), l.number("pickedQuantity", min: 0), l.string("substitutedSku", required: false))
                guard let n = v.0, let sku = v.1, let q = v.2 else { return nil }
                return PickedLine(lineNumber: Int(n), sku: sku, pickedQuantity: q, substitutedSku: v.3)
            }
            guard let order, let site, !lines.isEmpty else { return nil }
            return .pick(PickConfirmation(orderId: order, site: site, lines: lines, confirmedAt: at ?? ctx.time))
        }
    }

    static func order(_ d: FieldReader, _ ctx: Context) throws(UnprocessableEvent) -> Order? {
        let v = (d.string("orderId"), d.string("customerId"), d.string("site"), d.oneOf("channel", OrderChannel.self),
                 d.string("status", required: false), d.date("orderDate"), d.date("requestedShipDate"),
                 d.date("promiseDate", required: false), d.string("lane", required: false), d.string("carrier", required: false),
                 d.string("currency", required: false))
        var numbers = Set<Int>()
        let lines = d.objects("lines", minCount: 1).enumerated().compactMap { index, l -> OrderLine? in
            let f = (l.number("lineNumber", min: 1), l.string("sku"), l.number("quantity", min: 0), l.string("unitOfMeasure"), l.money("unitPrice"))
            if let q = f.2, q == 0 { l.fail("quantity", "must be greater than 0") }
            if let n = f.0, !numbers.insert(Int(n)).inserted { l.fail("lineNumber", "repeats line number \(Int(n))") }
            guard let n = f.0, let sku = f.1, let q = f.2, q > 0, let uom = f.3, let price = f.4 else { return nil }
            return OrderLine(lineNumber: Int(n), sku: sku, quantity: q, unitOfMeasure: uom, unitPrice: price)
        }
        if let currency = v.10, currency.count != 3 { d.fail("currency", "must be a 3-letter ISO 4217 code, found \"\(currency)\"") }
        guard let id = v.0, let customer = v.1, let site = v.2, let channel = v.3, let orderDate = v.5, let ship = v.6,
              !lines.isEmpty, lines.count == d.arrayCount("lines") else { return nil }
        var status = OrderStatus.open
        if let code = v.4 {
            guard let mapped = ctx.policy.mapStatus(source: ctx.source, code: code) else {
                throw UnprocessableEvent(code: "unmapped_status",
                                         reason: "Order status '\(code)' from source '\(ctx.source)' has no mapping in policy \(ctx.policy.version); add it under statusMaps and replay")
            }
            status = mapped
        }
        return Order(id: id, customerId: customer, site: site, channel: channel, status: status, sourceStatus: v.4,
                     orderDate: orderDate, requestedShipDate: ship, promiseDate: v.7, lane: v.8, carrier: v.9,
                     currency: v.10?.uppercased() ?? "USD", lines: lines)
    }

    static func customer(_ d: FieldReader) -> Customer? {
        let v = (d.string("customerId"), d.string("name"), d.oneOf("tier", CustomerTier.self), d.string("segment"),
                 d.money("creditLimit"), d.money("creditExposure", required: false), d.oneOf("creditStanding", CreditStanding.self, required: false),
                 d.string("paymentTerms", required: false, nonEmpty: false), d.string("taxId", required: false, nonEmpty: false),
                 d.string("shipTo", required: false, nonEmpty: false), d.bool("allowsSplitShipments", required: false),
                 d.bool("allowsSubstitutions", required: false))
        guard let id = v.0, let name = v.1, let tier = v.2, let segment = v.3, let limit = v.4 else { return nil }
        return Customer(id: id, name: name, tier: tier, segment: segment, creditLimit: limit, creditExposure: v.5 ?? .zero,
                        creditStanding: v.6 ?? .good, paymentTerms: v.7, taxId: v.8, shipTo: v.9,
                        allowsSplitShipments: v.10 ?? true, allowsSubstitutions: v.11 ?? false)
    }

    static func product(_ d: FieldReader) -> Product? {
        let v = (d.string("sku"), d.string("description", required: false), d.string("family"),
                 d.strings("unitsOfMeasure", required: true), d.money("unitCost"), d.money("listPrice"), d.bool("active", required: false))
        if d.has("unitsOfMeasure"), v.3.isEmpty { d.fail("unitsOfMeasure", "must name at least one unit") }
        guard let sku = v.0, let family = v.2, !v.3.isEmpty, let cost = v.4, let list = v.5 else { return nil }
        return Product(sku: sku, description: v.1 ?? sku, family: family, unitsOfMeasure: v.3, unitCost: cost, listPrice: list, active: v.6 ?? true)
    }
}
