import ClearwayCore
import Testing

@Suite("Reconciling findings with a case's exceptions")
struct ReconciliationTests {
    func finding(_ type: ExceptionType, _ key: String, summary: String = "s") -> Finding {
        Finding(type: type, key: key, summary: summary, evidence: [], moneyAtRisk: .zero)
    }

    func existing(_ f: Finding, id: String, _ lifecycle: ExceptionLifecycle = ExceptionLifecycle()) -> ExistingException {
        ExistingException(id: id, identity: f.identity, type: f.type, lifecycle: lifecycle, finding: f)
    }

    @Test("a new finding opens an exception; the same finding again changes nothing")
    func newAndRepeated() {
        let f = finding(.inventoryShortage, "line:1")
        #expect(Reconciliation.plan(existing: [], findings: [f], trigger: "t") == [.open(f)])
        #expect(Reconciliation.plan(existing: [existing(f, id: "E1")], findings: [f], trigger: "t").isEmpty)
    }

    @Test("a vanished cause resolves the exception automatically, naming the trigger")
    func causeRemoved() {
        let f = finding(.inventoryShortage, "line:1")
        let steps = Reconciliation.plan(existing: [existing(f, id: "E1")], findings: [], trigger: "stock snapshot s9")
        #expect(steps == [.apply(exceptionId: "E1", .causeRemoved(note: "No longer detected after stock snapshot s9"))])
    }

    @Test("a customer's request is never closed just because it is not re-detected")
    func customerRequestStays() {
        let f = finding(.customerRequest, "message:m1")
        #expect(Reconciliation.plan(existing: [existing(f, id: "E1")], findings: [], trigger: "t").isEmpty)
    }

    @Test("a cause that returns reopens an automatically resolved exception and refreshes its evidence")
    func causeReturns() throws {
        let f = finding(.inventoryShortage, "line:1", summary: "old")
        var l = ExceptionLifecycle()
        _ = try l.handle(.causeRemoved(note: "x"))
        let again = finding(.inventoryShortage, "line:1", summary: "new")
        let steps = Reconciliation.plan(existing: [existing(f, id: "E1", l)], findings: [again], trigger: "t")
        #expect(steps == [.apply(exceptionId: "E1", .causeReturned), .refresh(exceptionId: "E1", again)])
    }

    @Test("an exception a person resolved stays resolved while the data still shows the cause")
    func personDecisionStands() throws {
        let f = finding(.pricingContractMismatch, "line:1")
        var l = ExceptionLifecycle()
        _ = try l.handle(.resolve(code: "price_accepted", note: nil))
        #expect(Reconciliation.plan(existing: [existing(f, id: "E1", l)], findings: [f], trigger: "t").isEmpty)
    }

    @Test("changed evidence refreshes an open exception without a transition")
    func evidenceRefresh() {
        let f = finding(.inventoryShortage, "line:1", summary: "3 available")
        let g = finding(.inventoryShortage, "line:1", summary: "5 available")
        #expect(Reconciliation.plan(existing: [existing(f, id: "E1")], findings: [g], trigger: "t") == [.refresh(exceptionId: "E1", g)])
    }
}
