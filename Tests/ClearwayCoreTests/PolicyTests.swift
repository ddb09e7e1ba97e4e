import ClearwayCore
import Foundation
import Testing

@Suite("Policy, business calendar and priority")
struct PolicyTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the shipped default policy loads, with site overrides inheriting the global rules")
    func defaultPolicy() throws {
        let policy = try PolicyParser.load(contentsOf: Self.repoRoot.appendingPathComponent("policy/default.yaml"))
        #expect(policy.version == "2026.11.1")
        #expect(Set(policy.global.rules.keys) == Set(ExceptionType.allCases))
        let east = policy.site("DC-EAST")
        #expect(east.calendar.name == "us-eastern")
        #expect(east.rule(for: .logisticsCarrierCapacity).slaMinutes[.standard] == 240)
        #expect(east.rule(for: .pricingContractMismatch) == policy.global.rule(for: .pricingContractMismatch))
        #expect(policy.site("DC-EU").detection.defaultPriceTolerancePercent == 1.5)
        #expect(policy.mapStatus(source: "erp-legacy", code: "90") == .cancelled)
        #expect(policy.mapStatus(source: "erp-legacy", code: "77") == nil)
    }

    @Test("policy check names the exact line of every error")
    func errorsCarryLines() {
        let text = """
            version: "1"
            calendars:
              c1:
                timeZone: Mars/Olympus
                workingHours: "17:00-08:00"
            exceptionTypes:
              pricing.contract_mismatch:
                sla: {gold: 4h, key: soon}
              pricing.typo_type:
                queue: pricing
            priority:
              wieghts: {age: 1}
            sites:
              DC-X:
                calendar: nowhere
            """
        #expect(throws: PolicyRejected.self) { try PolicyParser.parse(text) }
        do {
            _ = try PolicyParser.parse(text)
        } catch {
            let byLine = Dictionary(grouping: error.issues, by: \.line)
            #expect(byLine[4]?.first?.message.contains("Mars/Olympus") == true)
            #expect(byLine[5]?.first?.message.contains("workingHours") == true)
            #expect(byLine[8]?.contains { $0.message.contains("gold") } == true)
            #expect(byLine[8]?.contains { $0.message.contains("soon") } == true)
            #expect(byLine[9]?.first?.message.contains("pricing.typo_type") == true)
            #expect(byLine[12]?.first?.message.contains("wieghts") == true)
            #expect(byLine[15]?.first?.message.contains("nowhere") == true)
        }
    }

    @Test("SLA pause rules: a site and a type override the global rule, and a wrong party or limit is named by line")
    func slaPauseRules() throws {
        let policy = try PolicyParser.parse("""
            version: "1"
            slaPause: {pauseWhenWaitingOn: [customer, supplier], maxPaused: 72h}
            exceptionTypes:
              credit.limit_exceeded:
                slaPause: {pauseWhenWaitingOn: [customer]}
            sites:
              DC-EU:
                slaPause: {maxPaused: none}
            """)
        #expect(policy.global.sla(for: .pricingContractMismatch).pause == SLAPauseRule(pausesFor: [.customer, .supplier], maxPausedMinutes: 4_320))
        #expect(policy.global.sla(for: .creditLimitExceeded).pause == SLAPauseRule(pausesFor: [.customer], maxPausedMinutes: 4_320),
                "a type's rule starts from the global one")
        #expect(policy.site("DC-EU").sla(for: .pricingContractMismatch).pause.maxPausedMinutes == nil)
        do {
            _ = try PolicyParser.parse("""
                version: "1"
                slaPause:
                  pauseWhenWaitingOn: [customer, vendor]
                  maxPaused: forever
                """)
            Issue.record("expected the policy to be refused")
        } catch {
            let byLine = Dictionary(grouping: error.issues, by: \.line)
            #expect(byLine[3]?.first?.message.contains("unknown party") == true)
            #expect(byLine[4]?.first?.message.contains("maxPaused") == true)
        }
    }

    @Test("a YAML syntax error is reported at its line")
    func syntaxError() {
        do {
            _ = try PolicyParser.parse("version: 1\ncalendars:\n  - a\n  b: c\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.issues.first?.message.hasPrefix("YAML syntax") == true)
            #expect((error.issues.first?.line ?? 0) >= 3)
        }
    }

    let chicago = BusinessCalendar(name: "c", timeZone: TimeZone(identifier: "America/Chicago")!, opensAt: 8 * 60, closesAt: 17 * 60,
                                   workingDays: Set(0...4), holidays: [LocalDate("2026-11-26")!])

    @Test("a Friday-evening exception with a 4 h SLA is due Monday at noon")
    func weekendSkipped() {
        let friday6pm = Instant(iso8601: "2026-11-20T18:00:00-06:00")!
        #expect(chicago.adding(businessMinutes: 240, to: friday6pm) == Instant(iso8601: "2026-11-23T12:00:00-06:00")!)
    }

    @Test("holidays do not count: Wednesday 4 pm + 2 h lands on Friday 9 am over Thanksgiving")
    func holidaySkipped() {
        let start = Instant(iso8601: "2026-11-25T16:00:00-06:00")!
        #expect(chicago.adding(businessMinutes: 120, to: start) == Instant(iso8601: "2026-11-27T09:00:00-06:00")!)
        #expect(chicago.businessMinutes(from: start, to: Instant(iso8601: "2026-11-27T09:00:00-06:00")!) == 120)
    }

    @Test("durations read as business minutes")
    func durations() throws {
        let p = try PolicyParser.parse("version: x\nexceptionTypes:\n  inventory.shortage:\n    sla: {strategic: 1h30m, key: 90m, standard: 2h}\n")
        #expect(p.global.rule(for: .inventoryShortage).slaMinutes == [.strategic: 90, .key: 90, .standard: 120])
    }

    @Test("the priority score is the weighted sum of its parts, each shown")
    func priority() {
        let weights = PriorityWeights(moneyAtRisk: 1, age: 1, customerTier: 1, fulfilmentDependency: 1, moneyCeiling: 9_999,
                                      tierScores: [.strategic: 1, .key: 0.5, .standard: 0])
        let score = PriorityScore.compute(moneyAtRisk: Money(99), slaConsumed: 0.5, tier: .key, fulfilmentDependency: 1, weights: weights)
        #expect(score.parts.map(\.name) == ["moneyAtRisk", "age", "customerTier", "fulfilmentDependency"])
        #expect(score.parts.map(\.value) == [0.5, 0.5, 0.5, 1])
        #expect(score.score == 62.5)
        #expect(abs(score.parts.reduce(0) { $0 + $1.contribution } - score.score) < 0.001)
    }

    @Test("a policy can weigh breach risk into the priority score; without a weight the part is left out")
    func breachRiskPart() throws {
        let p = try PolicyParser.parse("version: x\npriority:\n  weights: {moneyAtRisk: 1, age: 1, customerTier: 1, fulfilmentDependency: 0, breachRisk: 1}\n")
        #expect(p.global.priority.breachRisk == 1)
        var weights = p.global.priority
        weights.moneyCeiling = 9_999
        let score = PriorityScore.compute(moneyAtRisk: Money(99), slaConsumed: 0.5, tier: .key, fulfilmentDependency: 1, breachRisk: 0.9, weights: weights)
        #expect(score.parts.last?.name == "breachRisk" && score.parts.last?.value == 0.9)
        #expect(abs(score.score - 100 * (0.5 + 0.5 + 0.6 + 0.9) / 4) < 0.001)
        let plain = PriorityScore.compute(moneyAtRisk: Money(99), slaConsumed: 0.5, tier: .key, fulfilmentDependency: 1, breachRisk: 0.9,
                                          weights: PriorityWeights())
        #expect(!plain.parts.contains { $0.name == "breachRisk" })
        #expect(throws: PolicyRejected.self) { try PolicyParser.parse("version: x\npriority:\n  weights: {breachRisk: -1}\n") }
    }

    @Test("an approval rule's escalateAfter is carried by the requirement; an admin's approval cannot escalate and a bad duration is named by line")
    func approvalEscalation() throws {
        let policy = try PolicyParser.parse("""
            version: x
            approvals:
              - {id: big, actions: [override_price], amountAbove: 10, role: pricing_approver, escalateAfter: 90m}
            """)
        let impact = ActionImpact(amount: Money(50), priceChangePercent: nil, overCreditLimit: false)
        var requirement = try #require(ApprovalRequirement.required(for: .overridePrice, impact: impact, rules: policy.actions.approvals))
        #expect(requirement.escalateAfterMinutes == 90)
        #expect(requirement.escalate() && requirement.role == .approver && requirement.escalatedFrom == [.pricingApprover])
        #expect(requirement.escalate() && requirement.escalate() && requirement.role == .admin && !requirement.escalate())
        do {
            _ = try PolicyParser.parse("""
                version: x
                approvals:
                  - {id: top, actions: [override_price], amountAbove: 10, role: admin, escalateAfter: 1h}
                  - {id: odd, actions: [override_price], amountAbove: 10, role: approver, escalateAfter: soon}
                """)
            Issue.record("the policy was accepted")
        } catch {
            let byLine = Dictionary(grouping: error.issues, by: \.line).mapValues { $0.map(\.message).joined(separator: " | ") }
            #expect(byLine[3]?.contains("an admin's approval has no role above it") == true)
            #expect(byLine[4]?.contains("escalateAfter must be a positive duration") == true)
        }
    }
}
