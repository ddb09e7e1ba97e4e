import ClearwayCore
import Testing

/// A small world for guardrails: ACME orders 100 bolts and 10 wire at DC-CHI.
enum ActionFixture {
    static let today = LocalDate("2026-11-23")!
    static let order = Order(id: "SO-1", customerId: "ACME", site: "DC-CHI", channel: .edi, status: .open, orderDate: today,
                             requestedShipDate: today.adding(days: 4), promiseDate: today.adding(days: 5), lane: "CHI-DET",
                             lines: [OrderLine(lineNumber: 1, sku: "BOLT-10", quantity: 100, unitOfMeasure: "EA", unitPrice: Money(11.95)),
                                     OrderLine(lineNumber: 2, sku: "WIRE-2", quantity: 10, unitOfMeasure: "EA", unitPrice: Money(40))])
    static let customer = Customer(id: "ACME", name: "Acme", tier: .key, segment: "industrial", creditLimit: Money(100_000),
                                   creditExposure: Money(95_000), paymentTerms: "NET30", taxId: "US-1", shipTo: "Dock 4",
                                   allowsSplitShipments: true, allowsSubstitutions: true)

    static func context(customer: Customer = customer, order: Order = order) -> ActionContext {
        ActionContext(
            order: order, customer: customer,
            products: ["BOLT-10": Product(sku: "BOLT-10", description: "Bolt", family: "fasteners", unitsOfMeasure: ["EA"], unitCost: Money(5), listPrice: Money(12)),
                       "WIRE-2": Product(sku: "WIRE-2", description: "Wire", family: "electrical", unitsOfMeasure: ["EA"], unitCost: Money(20), listPrice: Money(40)),
                       "WIRE-2B": Product(sku: "WIRE-2B", description: "Wire, other brand", family: "electrical", unitsOfMeasure: ["EA"], unitCost: Money(38), listPrice: Money(41))],
            contracts: ["BOLT-10": ContractPrice(customerId: "ACME", sku: "BOLT-10", price: Money(10.40), tolerancePercent: 2)],
            inventory: ["DC-CHI": ["BOLT-10": InventoryPosition(site: "DC-CHI", sku: "BOLT-10", erpOnHand: 500, wmsOnHand: 497),
                                   "WIRE-2": InventoryPosition(site: "DC-CHI", sku: "WIRE-2", erpOnHand: 3, wmsOnHand: 3),
                                   "WIRE-2B": InventoryPosition(site: "DC-CHI", sku: "WIRE-2B", erpOnHand: 40, wmsOnHand: 40)],
                        "DC-EAST": ["WIRE-2": InventoryPosition(site: "DC-EAST", sku: "WIRE-2", erpOnHand: 4, wmsOnHand: 4)],
                        "DC-EU": ["WIRE-2": InventoryPosition(site: "DC-EU", sku: "WIRE-2", erpOnHand: 60, wmsOnHand: 60)]],
            carrierCapacity: [CarrierCapacity(carrier: "FASTFREIGHT", lane: "CHI-DET", shipDate: today.adding(days: 4), capacity: 20, booked: 20),
                              CarrierCapacity(carrier: "ROADSTAR", lane: "CHI-DET", shipDate: today.adding(days: 4), capacity: 10, booked: 6)],
            supplierETAs: ["WIRE-2": [SupplierETA(purchaseOrder: "PO-7", supplierId: "SUP-1", site: "DC-CHI", sku: "WIRE-2", quantity: 100,
                                                  eta: today.adding(days: 9))]],
            otherOpenOrderValue: Money(2_000), today: today,
            detection: DetectionSettings(marginFloors: ["*": 0.10, "fasteners": 0.18, "electrical": 0.14]))
    }

    static func failed(_ p: ActionParameters, _ c: ActionContext = context(), settings: GuardrailSettings = GuardrailSettings()) -> [GuardrailCheck] {
        Guardrails.check(p, context: c, settings: settings).filter { !$0.passed }
    }
}

@Suite("Guardrails")
struct GuardrailTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var parameters: ActionParameters
        var customer: Customer = ActionFixture.customer
        var blockedBy: String?
        var reasonMentions: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var noSplit = ActionFixture.customer
        noSplit.allowsSplitShipments = false
        var noSubstitutes = ActionFixture.customer
        noSubstitutes.allowsSubstitutions = false
        return [
            Case(name: "allocating from a DC with enough stock passes", parameters: .allocateFromSite(line: 2, site: "DC-EU", quantity: 7)),
            Case(name: "allocating more than the other DC has is blocked", parameters: .allocateFromSite(line: 2, site: "DC-EAST", quantity: 7),
                 blockedBy: "stock.available", reasonMentions: "DC-EAST has 4"),
            Case(name: "allocating from the order's own DC is blocked", parameters: .allocateFromSite(line: 2, site: "DC-CHI", quantity: 3),
                 blockedBy: "site.alternate", reasonMentions: "already the order's DC"),
            Case(name: "a customer who refuses split shipments blocks a split", parameters: .splitOrder(release: [LineQuantity(line: 1, quantity: 100)]),
                 customer: noSplit, blockedBy: "customer.allows_split", reasonMentions: "does not accept split"),
            Case(name: "releasing more than is in stock is blocked", parameters: .splitOrder(release: [LineQuantity(line: 2, quantity: 5)]),
                 blockedBy: "stock.available", reasonMentions: "3 of WIRE-2 available"),
            Case(name: "a customer who refuses substitutes blocks a substitution", parameters: .approveSubstitution(line: 2, substituteSku: "WIRE-2B"),
                 customer: noSubstitutes, blockedBy: "customer.allows_substitution", reasonMentions: "does not accept substitutions"),
            Case(name: "a substitute sold under its family's margin floor is blocked", parameters: .approveSubstitution(line: 2, substituteSku: "WIRE-2B"),
                 blockedBy: "margin.floor", reasonMentions: "electrical floor of 14%"),
            Case(name: "a price under the margin floor is blocked", parameters: .overridePrice(line: 1, unitPrice: Money(5.50)),
                 blockedBy: "margin.floor", reasonMentions: "fasteners floor of 18%"),
            Case(name: "a price far from the contract is blocked", parameters: .overridePrice(line: 1, unitPrice: Money(14)),
                 blockedBy: "price.change_limit", reasonMentions: "contract price 10.40"),
            Case(name: "accepting the contract price passes", parameters: .overridePrice(line: 1, unitPrice: Money(10.40))),
            Case(name: "credit released past limit plus tolerance is blocked", parameters: .releaseCredit(amount: Money(20_000)),
                 blockedBy: "credit.within_tolerance", reasonMentions: "limit 100000.00 + 10%"),
            Case(name: "credit released within tolerance passes", parameters: .releaseCredit(amount: Money(5_000))),
            Case(name: "rebooking onto a full carrier is blocked", parameters: .rebookCarrier(carrier: "FASTFREIGHT", shipDate: ActionFixture.today.adding(days: 4)),
                 blockedBy: "carrier.capacity", reasonMentions: "0 of 20 slots"),
            Case(name: "rebooking onto a carrier with room passes", parameters: .rebookCarrier(carrier: "ROADSTAR", shipDate: ActionFixture.today.adding(days: 4))),
            Case(name: "a promise date before the short items arrive is blocked", parameters: .revisePromiseDate(date: ActionFixture.today.adding(days: 6)),
                 blockedBy: "date.after_supply", reasonMentions: "arrive by 2026-12-02"),
            Case(name: "a promise date in the past is blocked", parameters: .revisePromiseDate(date: ActionFixture.today.adding(days: -1)),
                 blockedBy: "date.not_past", reasonMentions: "today is 2026-11-23"),
            Case(name: "expediting to a date no earlier than the ETA is blocked",
                 parameters: .expeditePurchaseOrder(purchaseOrder: "PO-7", sku: "WIRE-2", requestedDate: ActionFixture.today.adding(days: 10)),
                 blockedBy: "po.earlier", reasonMentions: "PO-7 is due 2026-12-02"),
            Case(name: "expediting an unknown purchase order is blocked",
                 parameters: .expeditePurchaseOrder(purchaseOrder: "PO-9", sku: "WIRE-2", requestedDate: ActionFixture.today.adding(days: 3)),
                 blockedBy: "po.exists", reasonMentions: "no open purchase order PO-9"),
            Case(name: "posting a small WMS count difference passes", parameters: .postWarehouseCount(sku: "BOLT-10")),
            Case(name: "a line the order does not have is blocked", parameters: .overridePrice(line: 7, unitPrice: Money(10)),
                 blockedBy: "line.exists", reasonMentions: "no line 7"),
        ]
    }()

    @Test("each guardrail blocks when it should and says why", arguments: cases)
    func guardrail(_ c: Case) {
        let failed = ActionFixture.failed(c.parameters, ActionFixture.context(customer: c.customer))
        if let id = c.blockedBy {
            let check = failed.first { $0.id == id }
            #expect(check != nil, "expected \(id) to fail; failed: \(failed.map(\.id))")
            if let mention = c.reasonMentions { #expect(check?.detail.contains(mention) == true, "\(check?.detail ?? "no detail")") }
        } else {
            #expect(failed.isEmpty, "unexpected failures: \(failed.map { "\($0.id): \($0.detail)" })")
        }
    }

    @Test("a posted count larger than the policy allows needs a recount")
    func countLimit() {
        let failed = ActionFixture.failed(.postWarehouseCount(sku: "BOLT-10"), settings: GuardrailSettings(maxCountAdjustmentUnits: 2))
        #expect(failed.map(\.id) == ["count.adjustment_limit"])
        #expect(failed.first?.detail.contains("by 3 units (limit 2)") == true)
    }

    @Test("an action on a shipped order is blocked")
    func shippedOrder() {
        var shipped = ActionFixture.order
        shipped.status = .shipped
        let failed = ActionFixture.failed(.releaseHold, ActionFixture.context(order: shipped))
        #expect(failed.contains { $0.id == "order.active" && $0.detail == "the order is shipped" })
    }
}

@Suite("Approvals")
struct ApprovalTests {
    static let rules = ApprovalRule.defaults

    func requirement(_ p: ActionParameters, _ c: ActionContext = ActionFixture.context()) -> ApprovalRequirement? {
        ActionAssessment.assess(p, context: c, policy: ActionPolicy()).approval
    }

    @Test("a price override more than 3% from contract needs a pricing approver; the contract price itself needs nobody")
    func priceThreshold() {
        #expect(requirement(.overridePrice(line: 1, unitPrice: Money(10.40))) == nil)
        let r = requirement(.overridePrice(line: 1, unitPrice: Money(10.90)))
        #expect(r?.role == .pricingApprover)
        #expect(r?.reason.contains("price change 4.81% above 3%") == true)
    }

    @Test("a price override worth more than $5,000 needs a pricing approver; above $50,000 a supervisor")
    func valueThresholds() {
        var big = ActionFixture.order
        big.lines[0].quantity = 600   // 600 × 10.40 = 6,240
        #expect(requirement(.overridePrice(line: 1, unitPrice: Money(10.40)), ActionFixture.context(order: big))?.role == .pricingApprover)
        big.lines[0].quantity = 6_000  // 62,400
        let r = requirement(.overridePrice(line: 1, unitPrice: Money(10.40)), ActionFixture.context(order: big))
        #expect(r?.role == .supervisor)
        #expect(r?.rules == ["price-override", "large-value"])
    }

    @Test("a credit release that ends over the limit needs a credit approver")
    func creditThreshold() {
        #expect(requirement(.releaseCredit(amount: Money(1_000))) == nil)
        #expect(requirement(.releaseCredit(amount: Money(4_000)))?.role == .creditApprover)
    }

    @Test("four-eyes: whoever requested cannot approve; roles approve only what policy gives them")
    func fourEyes() {
        let pat = Principal(id: "user:pat", name: "Pat", role: .approver)
        #expect(throws: ApprovalCheck.Refusal.ownRequest) { try ApprovalCheck.check(decider: pat, requesterId: "user:pat", requirement: .pricingApprover) }
        #expect(throws: Never.self) { try ApprovalCheck.check(decider: pat, requesterId: "user:alex", requirement: .pricingApprover) }
        let credit = Principal(id: "user:cy", name: "Cy", role: .creditApprover)
        #expect(throws: ApprovalCheck.Refusal.role(needed: .pricingApprover, has: .creditApprover)) {
            try ApprovalCheck.check(decider: credit, requesterId: "user:alex", requirement: .pricingApprover)
        }
        #expect(throws: ApprovalCheck.Refusal.role(needed: .supervisor, has: .approver)) {
            try ApprovalCheck.check(decider: pat, requesterId: "user:alex", requirement: .supervisor)
        }
        let agent = Principal(id: "user:alex", name: "Alex", role: .agent)
        #expect(throws: ApprovalCheck.Refusal.self) { try ApprovalCheck.check(decider: agent, requesterId: "user:pat", requirement: .pricingApprover) }
        #expect(throws: Never.self) {
            try ApprovalCheck.check(decider: Principal(id: "user:sam", name: "Sam", role: .supervisor), requesterId: "user:alex", requirement: .creditApprover)
        }
    }

    @Test("an action's moves follow the lifecycle table; illegal ones are refused")
    func lifecycle() throws {
        #expect(try ActionTransition.submit(needsApproval: true).next(from: .recommended) == .pendingApproval)
        #expect(try ActionTransition.submit(needsApproval: false).next(from: .recommended) == .queued)
        #expect(try ActionTransition.approve.next(from: .pendingApproval) == .queued)
        #expect(try ActionTransition.reject.next(from: .pendingApproval) == .rejected)
        #expect(try ActionTransition.accepted.next(from: .queued) == .delivered)
        #expect(try ActionTransition.applied.next(from: .delivered) == .completed)
        #expect(try ActionTransition.exhausted.next(from: .queued) == .deadLettered)
        #expect(try ActionTransition.retry.next(from: .deadLettered) == .queued)
        #expect(throws: ActionTransition.Illegal.self) { try ActionTransition.approve.next(from: .queued) }
        #expect(throws: ActionTransition.Illegal.self) { try ActionTransition.cancel.next(from: .completed) }
        #expect(throws: ActionTransition.Illegal.self) { try ActionTransition.applied.next(from: .pendingApproval) }
    }
}
