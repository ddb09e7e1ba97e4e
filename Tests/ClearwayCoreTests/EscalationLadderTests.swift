import ClearwayCore
import Foundation
import Testing

/// Escalation ladders: rungs at shares of the SLA used and after breach, fired once each in
/// order on the site's business calendar, the last repeating; what each rung does arrives as
/// writes (audit, notification request, priority, re-route, acknowledgement).
@Suite("Escalation ladders")
struct EscalationLadderTests {
    static let yaml = """
        version: "ladder-1"
        calendars:
          office: {timeZone: UTC, workingHours: "08:00-17:00", workingDays: [mon, tue, wed, thu, fri]}
        exceptionTypes:
          pricing.contract_mismatch:
            queue: pricing
            sla: {strategic: 2h, key: 4h, standard: 8h}
            atRiskFraction: 0.75
            escalation:
              - at: 50%
                notify: [assignee, queueLeads]
              - at: breach
                raisePriority: 10
                reassign: queue:pricing_escalations
              - at: breach + 2h
                notify: [role:supervisor, address:pricing-desk@example.com]
                requireAcknowledgement: true
                repeatEvery: 1h
        """

    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    static func decision(_ now: Instant, policy: Policy) -> CaseDecision {
        CaseDecision(policy: policy, stamp: DecisionStamp(now: now, actor: "system:sla", policyVersion: policy.version, ids: SequentialIdentifiers()),
                     trigger: "SLA timers")
    }

    /// A key customer's order priced off contract, opened Monday 14:00 on the office calendar.
    static func opened(policy: Policy) throws -> (CaseInHand, [CaseWrite]) {
        var d = CaseDecision(policy: policy, stamp: DecisionStamp(now: at("2026-11-23T14:00:00Z"), actor: "system:ingest",
                                                                   policyVersion: policy.version, ids: SequentialIdentifiers()),
                             trigger: "order")
        var hand = try #require(try d.evaluate(order: CaseDecisionTests.order(prices: [11.95]), context: CaseDecisionTests.context, open: nil))
        d.rollUp(&hand)
        return (CaseInHand(stored: hand.caseRecord, exceptions: hand.exceptions, changed: false), d.takeWrites())
    }

    static func ladderTimers(_ writes: [CaseWrite]) -> [Instant] {
        writes.flatMap { write -> [Instant] in
            guard case .scheduleTimers(let timers) = write else { return [] }
            return timers.filter { $0.kind == .rung }.map(\.dueAt)
        }
    }

    static func audits(_ writes: [CaseWrite]) -> [AuditEntry] {
        writes.compactMap { if case .audit(let a) = $0 { a } else { nil } }
    }

    static func notices(_ writes: [CaseWrite]) -> [NotificationRequest] {
        writes.compactMap { if case .notify(let n) = $0 { n } else { nil } }
    }

    @Test("rungs fire in order on business time: 50% before the night, breach and breach + 2h the next morning, each once")
    func climbsInOrder() throws {
        let policy = try PolicyParser.parse(Self.yaml)
        var (hand, opening) = try Self.opened(policy: policy)
        // 4 business hours from Monday 14:00: half used at 16:00, breach Tuesday 09:00.
        #expect(Self.ladderTimers(opening) == [Self.at("2026-11-23T16:00:00Z")])

        var d = Self.decision(Self.at("2026-11-23T16:00:00Z"), policy: policy)
        #expect(d.climb(&hand, at: 0))
        var writes = d.takeWrites()
        #expect(Self.audits(writes).map(\.action) == ["escalation.rung_fired"])
        #expect(Self.audits(writes).first?.reason == "Rung 1 of 3 (50%): notify assignee, queueLeads")
        #expect(Self.notices(writes).map(\.recipients) == [[.assignee, .queueLeads]])
        #expect(Self.notices(writes).first?.trigger == .atRisk && Self.notices(writes).first?.queue == "pricing")
        #expect(Self.ladderTimers(writes) == [Self.at("2026-11-24T09:00:00Z")])
        // Fired again at the same instant (a second node, a restart): nothing more.
        #expect(!d.climb(&hand, at: 0))

        d = Self.decision(Self.at("2026-11-24T09:00:00Z"), policy: policy)
        let before = hand.exceptions[0].priority.score
        #expect(d.climb(&hand, at: 0))
        writes = d.takeWrites()
        let e = hand.exceptions[0]
        #expect(Self.audits(writes).map(\.action) == ["escalation.rung_fired", "exception.rerouted"])
        #expect(e.queue == "pricing_escalations" && e.lifecycle.ladder.fired == 2 && e.lifecycle.ladder.boost == 10)
        #expect(e.priority.parts.last?.name == "escalation" && e.priority.parts.last?.contribution == 10)
        #expect(e.priority.score > before + 10 - 1e-9)
        #expect(Self.notices(writes).isEmpty)
        #expect(Self.ladderTimers(writes) == [Self.at("2026-11-24T11:00:00Z")])

        d = Self.decision(Self.at("2026-11-24T11:00:00Z"), policy: policy)
        #expect(d.climb(&hand, at: 0))
        writes = d.takeWrites()
        #expect(hand.exceptions[0].lifecycle.ladder.awaitingAcknowledgement)
        #expect(Self.notices(writes).map(\.recipients) == [[.role(.supervisor), .address("pricing-desk@example.com")]])
        #expect(Self.ladderTimers(writes) == [Self.at("2026-11-24T12:00:00Z")])
    }

    @Test("repeats that fell due while no node ran fire once, counting the missed ones; acknowledgement is asked once and refused twice")
    func repeatsCollapse() throws {
        let policy = try PolicyParser.parse(Self.yaml)
        var (hand, _) = try Self.opened(policy: policy)
        // No node ran from Tuesday 10:00 until 15:30: rungs 2 and 3 and three repeats fell due.
        var d = Self.decision(Self.at("2026-11-24T15:30:00Z"), policy: policy)
        #expect(d.climb(&hand, at: 0))
        let fired = Self.audits(d.takeWrites()).filter { $0.action == "escalation.rung_fired" }
        // Rung 3 fell due at 11:00 and would have repeated at 12, 13, 14 and 15: one firing.
        #expect(fired.map(\.after) == ["rung 1", "rung 2", "rung 3"])
        #expect(fired.last?.reason?.hasPrefix("Rung 3 of 3 (breach + 2h), repeat 4 (4 more fell due while no node ran)") == true)
        #expect(hand.exceptions[0].lifecycle.ladder.repeats == 4)

        d = Self.decision(Self.at("2026-11-24T15:30:00Z"), policy: policy)
        #expect(!d.climb(&hand, at: 0))
        d = Self.decision(Self.at("2026-11-25T09:45:00Z"), policy: policy)
        #expect(d.climb(&hand, at: 0))
        let writes = d.takeWrites()
        // Repeats 5, 6 and 7 fell due at Tuesday 16:00, 17:00 (closing) and Wednesday 09:00.
        #expect(Self.audits(writes).map(\.reason) == ["Rung 3 of 3 (breach + 2h), repeat 7 (2 more fell due while no node ran): "
                                                      + "notify role:supervisor, address:pricing-desk@example.com; a supervisor must acknowledge"])
        #expect(hand.exceptions[0].lifecycle.ladder.repeats == 7)
        #expect(Self.ladderTimers(writes) == [Self.at("2026-11-25T10:00:00Z")])

        var lifecycle = hand.exceptions[0].lifecycle
        #expect(try lifecycle.handle(.acknowledgeEscalation) == [.escalationAcknowledged])
        #expect(throws: ExceptionLifecycle.TransitionError.self) { try lifecycle.handle(.acknowledgeEscalation) }
        do { _ = try lifecycle.handle(.acknowledgeEscalation) } catch {
            #expect(error.description == "cannot acknowledge the escalation of an exception that is open: no escalation awaits acknowledgement")
        }
    }

    @Test("a paused clock holds the ladder: waiting on the customer overnight moves the next rung by the business time it stood still")
    func pauseHoldsLadder() throws {
        let policy = try PolicyParser.parse(Self.yaml.replacingOccurrences(of: "version: \"ladder-1\"", with: """
            version: "ladder-1"
            slaPause: {pauseWhenWaitingOn: [customer]}
            """))
        var (hand, _) = try Self.opened(policy: policy)
        var d = Self.decision(Self.at("2026-11-23T15:00:00Z"), policy: policy)
        try d.transition(&hand.exceptions[0], .wait(on: .customer, reason: "asked for the PO copy"), caseRecord: hand.caseRecord, reason: "asked")
        var writes = d.takeWrites()
        #expect(writes.contains(.cancelTimers(exceptionId: hand.exceptions[0].id)) && Self.ladderTimers(writes).isEmpty)
        // Resumed Tuesday 10:00: 60 minutes were used before the pause, the 50% rung needs 120.
        d = Self.decision(Self.at("2026-11-24T10:00:00Z"), policy: policy)
        try d.transition(&hand.exceptions[0], .resume, caseRecord: hand.caseRecord, reason: "PO copy received")
        writes = d.takeWrites()
        #expect(Self.ladderTimers(writes) == [Self.at("2026-11-24T11:00:00Z")])
        d = Self.decision(Self.at("2026-11-24T10:59:00Z"), policy: policy)
        #expect(!d.climb(&hand, at: 0))
        #expect(Self.ladderTimers(d.takeWrites()) == [Self.at("2026-11-24T11:00:00Z")])
    }

    @Test("on the Berlin site's calendar the ladder skips Christmas and the weekend: 50% on Monday 08:30, breach at 10:30")
    func secondCalendar() throws {
        let policy = try PolicyParser.parse(Self.yaml.replacingOccurrences(of: "exceptionTypes:", with: """
            sites:
              DC-EU: {calendar: eu-central}
            exceptionTypes:
            """).replacingOccurrences(of: "  office:", with: """
              eu-central: {timeZone: Europe/Berlin, workingHours: "08:00-16:30", holidays: ["2026-12-24", "2026-12-25"]}
              office:
            """))
        var order = CaseDecisionTests.order(prices: [11.95])
        order.site = "DC-EU"
        var d = CaseDecision(policy: policy, stamp: DecisionStamp(now: Self.at("2026-12-23T14:00:00Z"), actor: "system:ingest",
                                                                   policyVersion: policy.version, ids: SequentialIdentifiers()), trigger: "order")
        var hand = try #require(try d.evaluate(order: order, context: CaseDecisionTests.context, open: nil))
        d.rollUp(&hand)
        // Wednesday 15:00 in Berlin: 90 minutes before closing, then Thursday and Friday are holidays.
        #expect(Self.ladderTimers(d.takeWrites()) == [Self.at("2026-12-28T07:30:00Z")])
        d = Self.decision(Self.at("2026-12-28T07:30:00Z"), policy: policy)
        #expect(d.climb(&hand, at: 0))
        #expect(Self.ladderTimers(d.takeWrites()) == [Self.at("2026-12-28T09:30:00Z")])
        let standing = try #require(LadderStanding.of(hand.exceptions[0], policy: policy, site: "DC-EU"))
        #expect(standing.rungs.map(\.fired) == [true, false, false])
        #expect(standing.rungs.map(\.dueAt) == [nil, Self.at("2026-12-28T09:30:00Z"), Self.at("2026-12-28T11:30:00Z")])
    }

    @Test("a reopened exception starts its ladder again")
    func reopenRestartsLadder() throws {
        var lifecycle = ExceptionLifecycle()
        _ = try lifecycle.handle(.climb(LadderStep(rung: 0, repetition: 0, usedMinutes: 10), raise: 5, needsAcknowledgement: true))
        #expect(throws: ExceptionLifecycle.TransitionError.self) {
            try lifecycle.handle(.climb(LadderStep(rung: 2, repetition: 0, usedMinutes: 30), raise: 0, needsAcknowledgement: false))
        }
        _ = try lifecycle.handle(.causeRemoved(note: "price corrected"))
        _ = try lifecycle.handle(.causeReturned)
        #expect(lifecycle.ladder == LadderProgress())
    }

    @Test("the policy's ladder: breachQueue joins the inherited ladder as its breach rung; escalation: none clears it")
    func policyShapes() throws {
        let policy = try PolicyParser.parse("""
            version: x
            escalation:
              - {at: 75%, notify: [assignee]}
              - {at: breach + 4h, notify: [queueLeads]}
            exceptionTypes:
              pricing.contract_mismatch: {breachQueue: pricing_escalations}
              inventory.shortage: {escalation: none}
            sites:
              DC-EU:
                escalation:
                  - {at: 90%, raisePriority: 5}
            """)
        let pricing = policy.global.sla(for: .pricingContractMismatch).ladder.rungs
        #expect(pricing.map(\.at) == [.share(0.75), .afterBreach(minutes: 0), .afterBreach(minutes: 240)])
        #expect(pricing[1].reassign == .queue("pricing_escalations"))
        #expect(policy.global.sla(for: .inventoryShortage).ladder.isEmpty)
        #expect(policy.global.sla(for: .creditLimitExceeded).ladder.rungs.count == 2)
        #expect(policy.site("DC-EU").sla(for: .creditLimitExceeded).ladder.rungs.map(\.raisePriority) == [5])
        // A type with its own ladder keeps it at a site that changes the default.
        #expect(policy.site("DC-EU").sla(for: .pricingContractMismatch).ladder.rungs.count == 3)
        #expect(policy.queues.contains("pricing_escalations"))
    }

    @Test("policy check names each ladder mistake by line")
    func policyErrors() throws {
        let text = """
            version: x
            escalation:
              - {at: breach, notify: [assignee], repeatEvery: 1h}
              - {at: 75%, notify: [role:owner]}
              - {at: 120%, raisePriority: 5}
              - {at: breach + 1h}
              - {at: breach + 2h, reassign: team:x, notify: [address:not-a-mailbox]}
            exceptionTypes:
              pricing.contract_mismatch:
                escalation:
                  - {at: breach, reassign: "queue:a"}
                breachQueue: b
            """
        do {
            _ = try PolicyParser.parse(text)
            Issue.record("the policy was accepted")
        } catch {
            let byLine = Dictionary(grouping: error.issues, by: \.line).mapValues { $0.map(\.message).joined(separator: " | ") }
            #expect(byLine[3]?.contains("only the last rung may repeat") == true)
            #expect(byLine[4]?.contains("must come after the rung before it (breach)") == true)
            #expect(byLine[4]?.contains("'role:owner' is not a recipient") == true)
            #expect(byLine[5]?.contains("share of the SLA up to 100%") == true)
            #expect(byLine[6]?.contains("does nothing") == true)
            #expect(byLine[7]?.contains("reassign must be queue:NAME or person:USERNAME") == true)
            #expect(byLine[7]?.contains("'address:not-a-mailbox' is not a recipient") == true)
            #expect(byLine[12]?.contains("breachQueue conflicts with the escalation ladder's breach rung, which reassigns to queue:a") == true)
        }
    }

    @Test("rungs' priority points are a part of their own, added after the weighted parts, the score capped at 100")
    func priorityBoost() throws {
        let base = PriorityScore.compute(moneyAtRisk: Money(50_000), slaConsumed: 1, tier: .strategic, fulfilmentDependency: 1,
                                         weights: PriorityWeights())
        let boosted = PriorityScore.compute(moneyAtRisk: Money(50_000), slaConsumed: 1, tier: .strategic, fulfilmentDependency: 1,
                                            escalationBoost: 30, weights: PriorityWeights())
        #expect(base.score == 100 && boosted.score == 100)
        let part = try #require(boosted.parts.last)
        #expect(part.name == "escalation" && part.value == 30 && part.weight == 0 && part.contribution == 0)
        let low = PriorityScore.compute(moneyAtRisk: Money(0), slaConsumed: 0, tier: .standard, fulfilmentDependency: 0,
                                        escalationBoost: 15, weights: PriorityWeights())
        #expect(low.score == 22.5 && low.parts.map(\.name).last == "escalation")
    }
}
