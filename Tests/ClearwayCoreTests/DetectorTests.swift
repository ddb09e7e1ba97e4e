import ClearwayCore
import Testing

/// Each exception type of the taxonomy, raised from its cause with the evidence a person needs.
@Suite("Detectors")
struct DetectorTests {
    let settings = DetectionSettings(defaultPriceTolerancePercent: 2, marginFloors: ["*": 0.10, "fasteners": 0.18], recordMismatchTolerance: 0)
    let day = LocalDate(year: 2026, month: 11, day: 23)

    func order(lines: [OrderLine], lane: String? = nil, status: OrderStatus = .open, promise: LocalDate? = nil) -> Order {
        Order(id: "SO-1", customerId: "ACME", site: "DC-CHI", channel: .edi, status: status, orderDate: day,
              requestedShipDate: day.adding(days: 2), promiseDate: promise, lane: lane, lines: lines)
    }

    func line(_ n: Int, _ sku: String, qty: Double = 10, price: Double = 10.40, uom: String = "EA") -> OrderLine {
        OrderLine(lineNumber: n, sku: sku, quantity: qty, unitOfMeasure: uom, unitPrice: Money(price))
    }

    var context: ReferenceContext {
        ReferenceContext(
            customer: Customer(id: "ACME", name: "Acme", tier: .key, segment: "industrial", creditLimit: Money(100_000),
                               paymentTerms: "NET30", taxId: "T1", shipTo: "Dock 4"),
            products: ["BOLT": Product(sku: "BOLT", description: "Bolt", family: "fasteners", unitsOfMeasure: ["EA"], unitCost: Money(5), listPrice: Money(12)),
                       "WIRE": Product(sku: "WIRE", description: "Wire", family: "electrical", unitsOfMeasure: ["EA", "M"], unitCost: Money(20), listPrice: Money(40))],
            contracts: ["BOLT": ContractPrice(customerId: "ACME", sku: "BOLT", price: Money(10.40), tolerancePercent: 2)],
            inventory: ["BOLT": InventoryPosition(site: "DC-CHI", sku: "BOLT", erpOnHand: 500, wmsOnHand: 500),
                        "WIRE": InventoryPosition(site: "DC-CHI", sku: "WIRE", erpOnHand: 100, wmsOnHand: 100)])
    }

    func detect(_ o: Order, _ c: ReferenceContext? = nil) -> [Finding] {
        Detectors.detect(order: o, context: c ?? context, settings: settings)
    }

    @Test("a clean order raises nothing")
    func cleanOrder() {
        #expect(detect(order(lines: [line(1, "BOLT"), line(2, "WIRE", price: 40)])).isEmpty)
    }

    @Test("contract price 10.40 vs order 11.95 with 2% tolerance is a pricing mismatch with its evidence")
    func contractMismatch() throws {
        let findings = detect(order(lines: [line(1, "BOLT", qty: 100, price: 11.95)]))
        let f = try #require(findings.first { $0.type == .pricingContractMismatch })
        #expect(f.key == "line:1")
        #expect(f.evidence.contains(EvidenceItem(label: "unit price", expected: "10.40", actual: "11.95")))
        #expect(f.evidence.contains { $0.label == "variance" && $0.expected == "±2%" && $0.actual == "14.9%" })
        #expect(f.moneyAtRisk == Money(155))
        #expect(f.summary.contains("10.40") && f.summary.contains("11.95"))
    }

    @Test("a price within the contract's tolerance is not an exception")
    func withinTolerance() {
        #expect(!detect(order(lines: [line(1, "BOLT", price: 10.60)])).contains { $0.type == .pricingContractMismatch })
    }

    @Test("a line priced under its family's margin floor is flagged")
    func marginFloor() throws {
        let f = try #require(detect(order(lines: [line(1, "WIRE", price: 21)])).first { $0.type == .pricingMarginBelowFloor })
        #expect(f.evidence.first?.expected == "≥ 10%")
    }

    @Test("demand above available stock at the preferred DC is a shortage")
    func shortage() throws {
        var c = context
        c.inventory["WIRE"] = InventoryPosition(site: "DC-CHI", sku: "WIRE", erpOnHand: 3, wmsOnHand: 3)
        let f = try #require(detect(order(lines: [line(1, "WIRE", price: 40)]), c).first { $0.type == .inventoryShortage })
        #expect(f.evidence.first == EvidenceItem(label: "available at DC-CHI", expected: "10", actual: "3"))
    }

    @Test("ERP and WMS disagreeing on stock is a record mismatch; available stock uses the lower count")
    func recordMismatch() throws {
        var c = context
        c.inventory["BOLT"] = InventoryPosition(site: "DC-CHI", sku: "BOLT", erpOnHand: 500, wmsOnHand: 5)
        let findings = detect(order(lines: [line(1, "BOLT")]), c)
        #expect(findings.contains { $0.type == .inventoryRecordMismatch && $0.key == "sku:BOLT" })
        #expect(findings.contains { $0.type == .inventoryShortage })
    }

    @Test("credit: an account on hold, and an order over the limit")
    func credit() throws {
        var c = context
        c.customer?.creditStanding = .hold
        #expect(detect(order(lines: [line(1, "BOLT")]), c).contains { $0.type == .creditAccountHold })
        c.customer?.creditStanding = .good
        c.customer?.creditExposure = Money(99_990)
        let f = try #require(detect(order(lines: [line(1, "BOLT")]), c).first { $0.type == .creditLimitExceeded })
        #expect(f.moneyAtRisk == Money(94))
    }

    @Test("a lane with every carrier full on the ship date is a capacity exception")
    func carrierCapacity() {
        var c = context
        c.carrierCapacity = [CarrierCapacity(carrier: "FF", lane: "CHI-DET", shipDate: day.adding(days: 2), capacity: 20, booked: 20)]
        #expect(detect(order(lines: [line(1, "BOLT")], lane: "CHI-DET"), c).contains { $0.type == .logisticsCarrierCapacity })
        c.carrierCapacity.append(CarrierCapacity(carrier: "SLOW", lane: "CHI-DET", shipDate: day.adding(days: 2), capacity: 20, booked: 3))
        #expect(!detect(order(lines: [line(1, "BOLT")], lane: "CHI-DET"), c).contains { $0.type == .logisticsCarrierCapacity })
    }

    @Test("a failed delivery is raised; a later delivered milestone of the same shipment clears it")
    func deliveryFailed() {
        var c = context
        let t0 = Instant(millis: 1_000)
        c.milestones = [ShipmentMilestone(orderId: "SO-1", shipmentId: "SH1", carrier: "FF", status: .failed, occurredAt: t0, reason: "dock closed")]
        #expect(detect(order(lines: [line(1, "BOLT")], status: .released), c).contains { $0.type == .logisticsDeliveryFailed })
        c.milestones.append(ShipmentMilestone(orderId: "SO-1", shipmentId: "SH1", carrier: "FF", status: .delivered, occurredAt: t0.adding(seconds: 60)))
        #expect(!detect(order(lines: [line(1, "BOLT")], status: .released), c).contains { $0.type == .logisticsDeliveryFailed })
    }

    @Test("a backordered line whose supplier ETA slips past the promise date is a supplier delay")
    func supplierDelay() {
        var c = context
        c.inventory["WIRE"] = InventoryPosition(site: "DC-CHI", sku: "WIRE", erpOnHand: 0, wmsOnHand: 0)
        c.supplierETAs["WIRE"] = [SupplierETA(purchaseOrder: "PO-9", supplierId: "SUP", site: "DC-CHI", sku: "WIRE", quantity: 50, eta: day.adding(days: 10))]
        let o = order(lines: [line(1, "WIRE", price: 40)], promise: day.adding(days: 5))
        #expect(detect(o, c).contains { $0.type == .procurementSupplierDelay })
        c.supplierETAs["WIRE"] = [SupplierETA(purchaseOrder: "PO-9", supplierId: "SUP", site: "DC-CHI", sku: "WIRE", quantity: 50, eta: day.adding(days: 4))]
        #expect(!detect(o, c).contains { $0.type == .procurementSupplierDelay })
    }

    @Test("master data: missing customer fields, unknown SKU, unit of measure not sold")
    func masterData() throws {
        var c = context
        c.customer?.taxId = nil
        let findings = detect(order(lines: [line(1, "NOPE"), line(2, "BOLT", uom: "BX")]), c)
        let incomplete = try #require(findings.first { $0.type == .masterdataIncompleteCustomer })
        #expect(incomplete.summary.contains("taxId"))
        #expect(findings.filter { $0.type == .masterdataUnknownProduct }.map(\.key) == ["line:1", "line:2"])
    }

    @Test("warehouse: a short pick and an unsynced substitution")
    func warehouse() {
        var c = context
        c.pick = PickConfirmation(orderId: "SO-1", site: "DC-CHI", lines: [
            PickedLine(lineNumber: 1, sku: "BOLT", pickedQuantity: 6),
            PickedLine(lineNumber: 2, sku: "WIRE", pickedQuantity: 10, substitutedSku: "WIRE-ALT"),
        ], confirmedAt: Instant(millis: 0))
        let types = detect(order(lines: [line(1, "BOLT"), line(2, "WIRE", price: 40)]), c).map(\.type)
        #expect(types.contains(.warehouseShortPick))
        #expect(types.contains(.warehouseUnsyncedSubstitution))
    }

    @Test("a customer's e-mail becomes a request of the type the rules read, with the phrase that decided it")
    func customerRequest() throws {
        var c = context
        c.messages = [CustomerMessage(messageId: "M1", customerId: "ACME", orderId: "SO-1", channel: "email", subject: "Urgent",
                                      body: "Please cancel line 2, we no longer need it", receivedAt: Instant(millis: 0))]
        let f = try #require(detect(order(lines: [line(1, "BOLT")]), c).first { $0.type == .customerRequest })
        #expect(f.evidence.first?.actual == "cancel_order")
        #expect(f.evidence.first?.note == "rules matched \"cancel\"")
        #expect(f.decidedBy == "rules")
        #expect(CustomerRequestRule.classify("Can you ship this ASAP?").requestType == "expedite_order")
        #expect(CustomerRequestRule.classify("Where is my order?").requestType == "track_order")
        #expect(CustomerRequestRule.classify("Hello there").requestType == "inquiry")
    }

    @Test("a cancelled order raises nothing; a shipped one only transport and customer exceptions")
    func inactiveOrders() {
        #expect(detect(order(lines: [line(1, "NOPE", price: 1)], status: .cancelled)).isEmpty)
        var c = context
        c.milestones = [ShipmentMilestone(orderId: "SO-1", shipmentId: "SH1", carrier: "FF", status: .failed, occurredAt: Instant(millis: 0))]
        #expect(detect(order(lines: [line(1, "NOPE", price: 1)], status: .shipped), c).map(\.type) == [.logisticsDeliveryFailed])
    }
}
