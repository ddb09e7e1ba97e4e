import ClearwayCore
import Testing

/// The case roll-up without a database: a case reflects its exceptions, and closing a
/// case for an order says that the order is to be acknowledged.
@Suite("Case roll-up")
struct CaseRollupTests {
    static let t0 = Instant(millis: 1_700_000_000_000)

    static func exception(_ id: String, money: Double, score: Double, state: ExceptionState = .open) throws -> ExceptionRecord {
        var lifecycle = ExceptionLifecycle()
        if state == .resolved { _ = try lifecycle.handle(.resolve(code: "price_corrected", note: nil)) }
        let sla = SLAClock.start(at: t0, rule: .builtIn(for: .pricingContractMismatch), tier: .standard, calendar: .alwaysOpen)
        return ExceptionRecord(id: id, caseId: "C-1", identity: id, type: .pricingContractMismatch, queue: "pricing", lifecycle: lifecycle,
                               finding: Finding(type: .pricingContractMismatch, key: id, summary: "s", evidence: [], moneyAtRisk: Money(money)),
                               sla: sla, priority: PriorityScore(score: score, parts: []), openedAt: t0, updatedAt: t0, closedAt: nil)
    }

    static func openCase() -> CaseRecord {
        CaseRecord(id: "C-1", orderKey: "SO-1", orderId: "SO-1", customerId: "ACME", customerTier: .standard, segment: nil, site: "DC-CHI",
                   channel: "edi", state: .open, priority: 0, moneyAtRisk: .zero, exceptionCount: 0, openedAt: t0, updatedAt: t0, closedAt: nil,
                   policyVersion: "p1")
    }

    @Test("priority and money at risk come from open work only; a case with open work stays open and says nothing")
    func openWork() throws {
        var c = Self.openCase()
        let effects = c.rollUp([try Self.exception("E1", money: 100, score: 40), try Self.exception("E2", money: 50, score: 70, state: .resolved)],
                               now: Self.t0.adding(seconds: 60), policyVersion: "p2")
        #expect(effects.isEmpty)
        #expect(c.priority == 40 && c.moneyAtRisk == Money(100) && c.exceptionCount == 2 && c.policyVersion == "p2" && c.closedAt == nil)
    }

    @Test("the last exception closing closes the case and asks for the order's acknowledgment")
    func closing() throws {
        var c = Self.openCase()
        let now = Self.t0.adding(seconds: 120)
        let effects = c.rollUp([try Self.exception("E1", money: 100, score: 40, state: .resolved)], now: now, policyVersion: "p1")
        #expect(c.state == .resolved && c.closedAt == now && c.priority == 0 && c.moneyAtRisk == .zero)
        #expect(effects == [.stateChanged(from: .open, to: .resolved), .acknowledgeOrder("SO-1")])
    }
}
