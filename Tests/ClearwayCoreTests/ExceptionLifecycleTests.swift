import ClearwayCore
import Testing

/// Every event in every state: legal ones land in the expected state, illegal ones throw
/// and leave the value untouched.
@Suite("Exception lifecycle state machine")
struct ExceptionLifecycleTests {
    enum Start: String, CaseIterable, CustomTestStringConvertible {
        case open, assigned, waiting, resolvedByPerson, resolvedAutomatically, cancelled
        var testDescription: String { rawValue }

        var value: ExceptionLifecycle {
            var l = ExceptionLifecycle()
            switch self {
            case .open: break
            case .assigned: _ = try! l.handle(.assign(to: "ana"))
            case .waiting: _ = try! l.handle(.wait(on: .customer, reason: "customer"))
            case .resolvedByPerson: _ = try! l.handle(.resolve(code: "price_corrected", note: nil))
            case .resolvedAutomatically: _ = try! l.handle(.causeRemoved(note: "stock arrived"))
            case .cancelled: _ = try! l.handle(.cancel(reason: "order cancelled"))
            }
            return l
        }
    }

    static let events: [(String, ExceptionLifecycle.Event)] = [
        ("assign to bob", .assign(to: "bob")), ("assign to ana", .assign(to: "ana")), ("unassign", .unassign),
        ("wait", .wait(on: .supplier, reason: "supplier")), ("resume", .resume), ("resolve", .resolve(code: "fixed", note: nil)),
        ("cause removed", .causeRemoved(note: "gone")), ("cause returned", .causeReturned), ("cancel", .cancel(reason: "x")),
        ("at risk", .slaAtRisk), ("breached", .slaBreached),
    ]

    /// Expected state after each event, or nil when the event is illegal in that state.
    static let expected: [Start: [ExceptionState?]] = [
        .open: [.assigned, .assigned, nil, .waiting, nil, .resolved, .resolved, nil, .cancelled, .open, .open],
        .assigned: [.assigned, nil, .open, .waiting, nil, .resolved, .resolved, nil, .cancelled, .assigned, .assigned],
        .waiting: [.waiting, .waiting, nil, nil, .open, .resolved, .resolved, nil, .cancelled, .waiting, .waiting],
        .resolvedByPerson: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil],
        .resolvedAutomatically: [nil, nil, nil, nil, nil, nil, nil, .open, nil, nil, nil],
        .cancelled: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil],
    ]

    @Test("every transition lands where the table says; illegal ones throw and change nothing", arguments: Start.allCases)
    func transitions(from start: Start) throws {
        for (index, (name, event)) in Self.events.enumerated() {
            var lifecycle = start.value
            let before = lifecycle
            if let target = Self.expected[start]![index] {
                let effects = try lifecycle.handle(event)
                #expect(lifecycle.state == target, "\(start) + \(name)")
                if before.state != target { #expect(effects.contains(.stateChanged(from: before.state, to: target)), "\(start) + \(name)") }
            } else {
                #expect(throws: ExceptionLifecycle.TransitionError.self, "\(start) + \(name) must be refused") { try lifecycle.handle(event) }
                #expect(lifecycle == before, "\(start) + \(name) must leave the value untouched")
            }
        }
    }

    @Test("closing stops the SLA clock and records the resolution")
    func closingStopsClock() throws {
        var l = ExceptionLifecycle()
        let effects = try l.handle(.resolve(code: "price_corrected", note: "contract price applied"))
        #expect(effects.contains(.stopSLAClock))
        #expect(l.resolution == Resolution(code: "price_corrected", note: "contract price applied", automatic: false))
    }

    @Test("a cause that returns after automatic resolution reopens with a fresh SLA clock")
    func reopenRestartsClock() throws {
        var l = ExceptionLifecycle()
        _ = try l.handle(.slaAtRisk)
        _ = try l.handle(.causeRemoved(note: "stock arrived"))
        let effects = try l.handle(.causeReturned)
        #expect(l.state == .open)
        #expect(l.reopenCount == 1)
        #expect(l.escalation == .none)
        #expect(effects.contains(.restartSLAClock))
    }

    @Test("escalation only moves forward: at risk twice or at risk after breach is refused")
    func escalationIsMonotonic() throws {
        var l = ExceptionLifecycle()
        #expect(try l.handle(.slaAtRisk) == [.escalated(.atRisk)])
        #expect(throws: ExceptionLifecycle.TransitionError.self) { try l.handle(.slaAtRisk) }
        #expect(try l.handle(.slaBreached) == [.escalated(.breached)])
        #expect(throws: ExceptionLifecycle.TransitionError.self) { try l.handle(.slaAtRisk) }
    }

    @Test("a waiting exception that was assigned resumes to its assignee")
    func resumeReturnsToAssignee() throws {
        var l = ExceptionLifecycle()
        _ = try l.handle(.assign(to: "ana"))
        _ = try l.handle(.wait(on: .customer, reason: "customer"))
        _ = try l.handle(.resume)
        #expect(l.state == .assigned)
        #expect(l.assignee == "ana")
    }

    @Test("case state is derived from its exceptions")
    func caseStateDerivation() {
        #expect(CaseState.derive(from: [.open, .open]) == .open)
        #expect(CaseState.derive(from: [.open, .assigned]) == .inProgress)
        #expect(CaseState.derive(from: [.waiting, .resolved]) == .inProgress)
        #expect(CaseState.derive(from: [.resolved, .cancelled]) == .resolved)
        #expect(CaseState.derive(from: [.cancelled, .cancelled]) == .cancelled)
        #expect(CaseState.derive(from: [.resolved, .open]) == .open)
    }

    @Test("re-routing moves open work to another queue and keeps its state; closed work and the same queue are refused")
    func reroute() throws {
        var l = ExceptionLifecycle()
        _ = try l.handle(.assign(to: "ana"))
        #expect(try l.handle(.reroute(from: "pricing", to: "credit")) == [.rerouted(from: "pricing", to: "credit")])
        #expect(l.state == .assigned && l.assignee == "ana", "the SLA clock and the owner stand")
        #expect(throws: ExceptionLifecycle.TransitionError.self) { try l.handle(.reroute(from: "credit", to: "credit")) }
        _ = try l.handle(.resolve(code: "price_corrected", note: nil))
        #expect(throws: ExceptionLifecycle.TransitionError.self) { try l.handle(.reroute(from: "credit", to: "pricing")) }
    }
}
