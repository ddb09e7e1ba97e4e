import ClearwayCore
import Synchronization
import Testing

/// The decision about a case, without a database: what it opens, resolves and escalates,
/// and the writes it hands the engine, in order.
@Suite("Case decision")
struct CaseDecisionTests {
    static let t0 = Instant(millis: 1_764_000_000_000)
    static let day = LocalDate(year: 2026, month: 11, day: 23)

    static func policy(breachRisk: Double = 0) -> Policy {
        let pricing = ExceptionRule(queue: "pricing", slaMinutes: [.standard: 240, .key: 120, .strategic: 60], atRiskFraction: 0.5,
                                    fulfilmentDependency: 0.4, breachQueue: "pricing-leads")
        let site = SitePolicy(calendar: .alwaysOpen, rules: [.pricingContractMismatch: pricing], priority: PriorityWeights(breachRisk: breachRisk),
                              detection: DetectionSettings())
        return Policy(version: "p7", global: site)
    }

    static func order(prices: [Double]) -> Order {
        Order(id: "SO-1", customerId: "ACME", site: "DC-CHI", channel: .edi, status: .open, orderDate: day, requestedShipDate: day.adding(days: 2),
              promiseDate: nil, lane: nil,
              lines: prices.enumerated().map { OrderLine(lineNumber: $0.offset + 1, sku: "BOLT", quantity: 100, unitOfMeasure: "EA", unitPrice: Money($0.element)) })
    }

    static var context: ReferenceContext {
        ReferenceContext(
            customer: Customer(id: "ACME", name: "Acme", tier: .key, segment: "industrial", creditLimit: Money(1_000_000),
                               paymentTerms: "NET30", taxId: "T1", shipTo: "Dock 4"),
            products: ["BOLT": Product(sku: "BOLT", description: "Bolt", family: "fasteners", unitsOfMeasure: ["EA"], unitCost: Money(5), listPrice: Money(12))],
            contracts: ["BOLT": ContractPrice(customerId: "ACME", sku: "BOLT", price: Money(10.40), tolerancePercent: 2)],
            inventory: ["BOLT": InventoryPosition(site: "DC-CHI", sku: "BOLT", erpOnHand: 5_000, wmsOnHand: 5_000)])
    }

    static func decision(at now: Instant = t0, policy: Policy = policy(), actor: String = "system:ingest") -> CaseDecision {
        CaseDecision(policy: policy, stamp: DecisionStamp(now: now, actor: actor, policyVersion: policy.version, ids: SequentialIdentifiers()),
                     trigger: "clearway.order.created.v1 E1 from erp")
    }

    /// Opens the case of an order priced off contract; returns it as the store would hold it.
    static func storedCase() throws -> (CaseRecord, [ExceptionRecord]) {
        var decision = decision()
        var hand = try #require(try decision.evaluate(order: order(prices: [11.95]), context: context, open: nil))
        decision.rollUp(&hand)
        return (hand.caseRecord, hand.exceptions)
    }

    @Test("a clean order decides nothing and asks for no writes")
    func cleanOrder() throws {
        var decision = Self.decision()
        #expect(try decision.evaluate(order: Self.order(prices: [10.40]), context: Self.context, open: nil) == nil)
        #expect(decision.takeWrites().isEmpty)
    }

    @Test("a price off contract opens a case and an exception: audit, exception row, its SLA timers, then the case row rolled up once")
    func opensCase() throws {
        var decision = Self.decision()
        var hand = try #require(try decision.evaluate(order: Self.order(prices: [11.95]), context: Self.context, open: nil))
        decision.rollUp(&hand)
        let writes = decision.takeWrites()
        guard writes.count == 5, case .audit(let opened) = writes[0], case .insertException(let e) = writes[1],
              case .scheduleTimers(let timers) = writes[2], case .audit(let raised) = writes[3], case .insertCase(let c) = writes[4] else {
            Issue.record("unexpected writes: \(writes)")
            return
        }
        #expect(opened.action == "case.opened" && raised.action == "exception.opened" && raised.exceptionId == e.id)
        #expect(e.type == .pricingContractMismatch && e.queue == "pricing" && e.caseId == c.id && e.lifecycle.state == .open)
        // The key tier's 120-minute SLA on an always-open calendar; at risk at half of it.
        #expect(e.sla.dueAt == Self.t0.adding(seconds: 7_200))
        #expect(timers.map(\.kind) == [.atRisk, .breach, .rung])
        #expect(timers.map(\.dueAt) == [Self.t0.adding(seconds: 3_600), e.sla.dueAt, e.sla.dueAt])
        #expect(c.state == .open && c.exceptionCount == 1 && c.priority == e.priority.score && c.moneyAtRisk == Money(155))
        #expect(c.customerTier == .key && c.policyVersion == "p7")
    }

    @Test("the same findings again change nothing and ask for no writes")
    func unchanged() throws {
        let stored = try Self.storedCase()
        var decision = Self.decision(at: Self.t0.adding(seconds: 60))
        var hand = try #require(try decision.evaluate(order: Self.order(prices: [11.95]), context: Self.context, open: stored))
        decision.rollUp(&hand)
        #expect(!hand.changed)
        #expect(decision.takeWrites().isEmpty)
    }

    @Test("a cause that is gone resolves its exception touchlessly, stops its timers and closes the case, which asks for the 855")
    func causeRemoved() throws {
        let stored = try Self.storedCase()
        let later = Self.t0.adding(seconds: 600)
        var decision = Self.decision(at: later)
        var hand = try #require(try decision.evaluate(order: Self.order(prices: [10.40]), context: Self.context, open: stored))
        decision.rollUp(&hand)
        let writes = decision.takeWrites()
        #expect(writes.contains(.cancelTimers(exceptionId: stored.1[0].id)))
        let updated = writes.compactMap { if case .updateException(let e) = $0 { e } else { nil } }
        #expect(updated.count == 1 && updated[0].lifecycle.state == .resolved && updated[0].closedAt == later)
        #expect(updated[0].lifecycle.resolution?.automatic == true && updated[0].lifecycle.resolution?.touchless == true)
        let cases = writes.compactMap { if case .updateCase(let c) = $0 { c } else { nil } }
        #expect(cases.map(\.state) == [.resolved] && cases[0].closedAt == later)
        #expect(writes.last == .acknowledgeOrder(orderId: "SO-1", caseId: stored.0.id))
        #expect(writes.contains { if case .audit(let a) = $0 { a.action == "case.state_changed" } else { false } })
    }

    @Test("a breach escalates once and raises the score's age part; the ladder's breach rung (breachQueue) re-routes through the lifecycle")
    func breach() throws {
        let stored = try Self.storedCase()
        let late = Self.t0.adding(seconds: 7_300)
        var decision = Self.decision(at: late, actor: "system:sla")
        var hand = CaseInHand(stored: stored.0, exceptions: stored.1, changed: true)
        #expect(decision.escalate(&hand, at: 0, kind: .breach))
        #expect(hand.exceptions[0].lifecycle.escalation == .breached && hand.exceptions[0].queue == "pricing")
        #expect(hand.exceptions[0].priority.score > stored.1[0].priority.score)
        #expect(decision.climb(&hand, at: 0))
        let e = hand.exceptions[0]
        #expect(e.queue == "pricing-leads" && e.lifecycle.ladder.fired == 1)
        let writes = decision.takeWrites()
        let actions = writes.compactMap { if case .audit(let a) = $0 { a.action } else { nil } }
        #expect(actions == ["sla.breached", "escalation.rung_fired", "exception.rerouted"])
        // The one rung is climbed: no further ladder timer.
        #expect(!writes.contains { if case .scheduleTimers = $0 { true } else { false } })
        #expect(!decision.escalate(&hand, at: 0, kind: .breach))
        #expect(!decision.climb(&hand, at: 0))
    }

    @Test("breach risk is asked with the queue's load as the decision stands: each exception opened counts for the next")
    func queueLoad() throws {
        let asked = Mutex<[Int]>([])
        var decision = Self.decision(policy: Self.policy(breachRisk: 0.2))
        decision.breachRisk = { q in asked.withLock { $0.append(q.queueLoad) }; return 0.9 }
        decision.queueLoads = ["pricing": 5]
        let hand = try #require(try decision.evaluate(order: Self.order(prices: [11.95, 12.50]), context: Self.context, open: nil))
        #expect(hand.opened.count == 2)
        #expect(asked.withLock { $0 } == [5, 6])
        #expect(decision.queueLoads["pricing"] == 7)
        #expect(hand.opened.allSatisfy { $0.priority.parts.contains { $0.name == "breachRisk" } })
    }

    @Test("writes are coalesced: an exception inserted then held is inserted held; two updates become one, at the first, in the final state")
    func coalescing() throws {
        let (c, exceptions) = try Self.storedCase()
        var e = exceptions[0]
        let inserted = e
        e.queue = "pricing-leads"
        let held = e
        e.priority = PriorityScore(score: 99, parts: [])
        let latest = e
        let audit = CaseWrite.audit(AuditEntry(at: Self.t0, actor: "t", caseId: c.id, exceptionId: e.id, action: "x", policyVersion: "p7"))
        #expect([.insertException(inserted), audit, .updateException(held), .insertCase(c)].coalesced()
                == [.insertException(held), audit, .insertCase(c)])
        #expect([.updateException(held), audit, .cancelTimers(exceptionId: e.id), .updateException(latest), .updateCase(c)].coalesced()
                == [.updateException(latest), audit, .cancelTimers(exceptionId: e.id), .updateCase(c)])
    }
}
