import ClearwayCore
import Foundation
import Testing

/// Routing to people is a pure function of people, their load and the item: skills,
/// capacity (weighted by type), availability and shift, ties, Get next and hand-over.
@Suite("Routing work to people")
struct WorkRouterTests {
    static let now = Instant(iso8601: "2026-11-23T15:00:00Z")!

    static func item(_ id: String, queue: String = "pricing", type: String = "pricing.contract_mismatch", site: String = "DC-CHI",
                     segment: String? = "industrial", customer: String = "ACME", priority: Double = 50, atRisk: Bool = false) -> RoutableItem {
        RoutableItem(exceptionId: id, caseId: "C-\(id)", queue: queue, type: type, site: site, segment: segment, customerId: customer,
                     priority: priority, atRisk: atRisk)
    }

    static func person(_ name: String, queues: Set<String> = ["pricing"], types: Set<String> = [], sites: Set<String> = [],
                       segments: Set<String> = [], accounts: Set<String> = [], capacity: Double = 8,
                       availability: Availability = Availability()) -> PersonProfile {
        PersonProfile(username: name, skills: Skills(queues: queues, types: types, sites: sites, segments: segments, accounts: accounts),
                      capacity: capacity, availability: availability)
    }

    static func roster(_ people: [PersonProfile], load: [String: Double] = [:], offShift: Set<String> = [],
                       weights: [String: Double] = [:]) -> Roster {
        var settings = RoutingSettings()
        settings.weights = weights
        settings.defaultMode = .pull
        return Roster(people: people, load: load, onShift: Set(people.map(\.username)).subtracting(offShift), settings: settings, now: now)
    }

    static let out = Availability(status: .outOfOffice, from: now.adding(seconds: -3_600), until: now.adding(seconds: 86_400), delegate: "lee")

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var people: [PersonProfile]
        var load: [String: Double] = [:]
        var offShift: Set<String> = []
        var weights: [String: Double] = [:]
        var item: RoutableItem = WorkRouterTests.item("E1")
        var expected: String?
        var reasonHas: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "least loaded skilled person wins", people: [person("dana"), person("lee")], load: ["dana": 3, "lee": 1],
             expected: "lee", reasonHas: "assigned to lee: pricing skill, 1 of 8 capacity"),
        Case(name: "load is compared as a share of capacity", people: [person("dana", capacity: 10), person("lee", capacity: 4)],
             load: ["dana": 4, "lee": 2], expected: "dana", reasonHas: "4 of 10"),
        Case(name: "a tie goes to the lower load, then the name", people: [person("lee"), person("dana")], expected: "dana", reasonHas: "0 of 8"),
        Case(name: "without the queue skill nobody is chosen", people: [person("dana", queues: ["credit"])], expected: nil,
             reasonHas: "nobody has the skills"),
        Case(name: "a type restriction rules a person out", people: [person("dana", types: ["pricing.margin_below_floor"]), person("lee")],
             load: ["lee": 7], expected: "lee", reasonHas: "7 of 8"),
        Case(name: "a site restriction rules a person out", people: [person("dana", sites: ["DC-ATL"]), person("lee")], load: ["lee": 5],
             expected: "lee", reasonHas: "lee"),
        Case(name: "a named-account desk takes only its accounts", people: [person("dana", accounts: ["OTHER"]), person("lee")],
             load: ["lee": 5], expected: "lee", reasonHas: "5 of 8"),
        Case(name: "a segment restriction rules a person out", people: [person("dana", segments: ["retail"])], expected: nil,
             reasonHas: "nobody has the skills"),
        Case(name: "someone away is skipped", people: [person("dana", availability: Availability(status: .away)), person("lee")],
             load: ["lee": 6], expected: "lee", reasonHas: "6 of 8"),
        Case(name: "someone out of office is skipped", people: [person("dana", availability: out)], expected: nil,
             reasonHas: "no one skilled for pricing is available"),
        Case(name: "an out-of-office period not yet begun does not count",
             people: [person("dana", availability: Availability(status: .outOfOffice, from: now.adding(seconds: 3_600),
                                                                 until: now.adding(seconds: 7_200)))], expected: "dana", reasonHas: "dana"),
        Case(name: "someone off shift is skipped", people: [person("dana"), person("lee")], load: ["lee": 7], offShift: ["dana"],
             expected: "lee", reasonHas: "lee"),
        Case(name: "everyone at capacity: nobody", people: [person("dana", capacity: 2)], load: ["dana": 2], expected: nil,
             reasonHas: "at capacity"),
        Case(name: "a heavy type does not fit in the room left", people: [person("dana", capacity: 3)], load: ["dana": 2],
             weights: ["pricing.contract_mismatch": 2], expected: nil, reasonHas: "at capacity"),
    ]

    @Test("choose", arguments: cases)
    func choose(_ c: Case) {
        let choice = WorkRouter.choose(c.item, roster: Self.roster(c.people, load: c.load, offShift: c.offShift, weights: c.weights))
        #expect(choice.assignee == c.expected, "\(choice)")
        #expect(choice.reason.contains(c.reasonHas), "\(choice.reason)")
    }

    @Test("a plan counts each choice toward the next, most urgent first")
    func plan() {
        let items = [Self.item("E1", priority: 10), Self.item("E2", priority: 90), Self.item("E3", priority: 50, atRisk: true)]
        let plan = WorkRouter.plan(items, roster: Self.roster([Self.person("dana", capacity: 2), Self.person("lee", capacity: 1)]))
        #expect(plan.map(\.item.exceptionId) == ["E3", "E2", "E1"])
        #expect(plan.map(\.choice.assignee) == ["dana", "lee", "dana"])
    }

    @Test("Get next takes the most urgent item the person is skilled for and has room for")
    func getNext() {
        let dana = Self.person("dana", queues: ["pricing", "inventory"], types: ["pricing.contract_mismatch", "inventory.shortage"], capacity: 3)
        let candidates = [Self.item("E1", priority: 90, atRisk: false), Self.item("E2", priority: 40, atRisk: true),
                          Self.item("E3", queue: "inventory", type: "inventory.record_mismatch", priority: 99)]
        guard case .take(let item, let reason) = WorkRouter.next(for: dana, candidates: candidates, roster: Self.roster([dana]), waiting: [:]) else {
            Issue.record("expected an item"); return
        }
        #expect(item.exceptionId == "E2")
        #expect(reason.contains("at risk") && reason.contains("0 of 3 capacity"))
    }

    @Test("Get next with nothing to take says why and which queues have work")
    func getNextNothing() {
        let dana = Self.person("dana", queues: ["pricing"], capacity: 2)
        let none = WorkRouter.next(for: dana, candidates: [], roster: Self.roster([dana]), waiting: ["credit": 4, "pricing": 0])
        #expect(none == .nothing(reason: "nothing open in pricing that you are skilled for; queues with unassigned work: credit (4)"))
        let full = WorkRouter.next(for: dana, candidates: [Self.item("E1")], roster: Self.roster([dana], load: ["dana": 2]), waiting: [:])
        guard case .nothing(let reason) = full else { Issue.record("expected nothing"); return }
        #expect(reason.hasPrefix("you hold 2 of 2 capacity"))
        let unskilled = Self.person("vic", queues: [])
        guard case .nothing(let why) = WorkRouter.next(for: unskilled, candidates: [], roster: Self.roster([unskilled]), waiting: ["pricing": 1]) else {
            Issue.record("expected nothing"); return
        }
        #expect(why == "you have no queue skills yet; queues with unassigned work: pricing (1)")
        var settings = RoutingSettings()
        settings.modes["pricing"] = .push
        settings.defaultMode = .pull
        let pushed = Roster(people: [dana], load: [:], onShift: ["dana"], settings: settings, now: Self.now)
        guard case .nothing(let pushReason) = WorkRouter.next(for: dana, candidates: [Self.item("E1")], roster: pushed, waiting: [:]) else {
            Issue.record("expected nothing"); return
        }
        #expect(pushReason.contains("is routed by Get next"))
    }

    @Test("an absent person's work goes to the delegate, else is routed on in push queues, else back to the queue")
    func handOver() {
        let items = [Self.item("E1", queue: "credit", type: "credit.limit_exceeded"), Self.item("E2")]
        let withDelegate = Self.person("dana", queues: ["pricing", "credit"], availability: Self.out)
        let moved = WorkRouter.handOver(items, of: withDelegate, roster: Self.roster([withDelegate, Self.person("lee")]))
        #expect(moved.map(\.to) == ["lee", "lee"])
        #expect(moved[0].reason.contains("dana is out of office until 2026-11-24T15:00; delegated to lee"))

        var noDelegate = withDelegate
        noDelegate.availability.delegate = nil
        var settings = RoutingSettings()
        settings.modes["credit"] = .push
        let roster = Roster(people: [noDelegate, Self.person("max", queues: ["credit"])], load: [:], onShift: ["dana", "max"], settings: settings,
                            now: Self.now)
        let routed = WorkRouter.handOver(items, of: noDelegate, roster: roster)
        #expect(routed.map(\.to) == ["max", nil])
        #expect(routed[1].reason.hasSuffix("back to the pricing queue"))
    }

    @Test("a profile names every bad field: period ends before it starts, delegate away too, unknown queue, capacity")
    func profileProblems() throws {
        let policy = try PolicyParser.parse("version: \"p1\"")
        var dana = Self.person("dana", queues: ["pricing", "nowhere"], capacity: 0.3)
        dana.availability = Availability(status: .outOfOffice, from: Self.now, until: Self.now.adding(seconds: -60), delegate: "lee")
        let lee = Self.person("lee", availability: Availability(status: .away))
        let problems = dana.problems(policy: policy, people: ["lee": lee], users: ["dana", "lee"])
        #expect(problems.map(\.pointer) == ["/capacity", "/skills/queues", "/availability/until", "/availability/delegate"])
        #expect(problems[2].detail.contains("ends before it starts"))
        #expect(problems[3].detail.contains("away during that period too"))

        var ok = Self.person("dana")
        ok.availability = Availability(status: .outOfOffice, from: Self.now, until: Self.now.adding(seconds: 3_600), delegate: "lee")
        let leeOutLater = Self.person("lee", availability: Availability(status: .outOfOffice, from: Self.now.adding(seconds: 7_200),
                                                                        until: Self.now.adding(seconds: 9_000)))
        #expect(ok.problems(policy: policy, people: ["lee": leeOutLater], users: ["dana", "lee"]).isEmpty)
        ok.availability.delegate = "ghost"
        #expect(ok.problems(policy: policy, people: [:], users: ["dana"]).map(\.detail) == ["'ghost' is not a person who signs in"])
    }

    @Test("the policy's routing section: modes per queue and weights, with bad entries named by line")
    func policySection() throws {
        let policy = try PolicyParser.parse("""
            version: "r1"
            routing:
              default: pull
              queues: {credit: push, warehouse: manual}
              weights: {credit.limit_exceeded: 2}
            """)
        #expect(policy.routing.mode(of: "credit") == .push)
        #expect(policy.routing.mode(of: "warehouse") == .manual)
        #expect(policy.routing.mode(of: "pricing") == .pull)
        #expect(policy.routing.weight(of: "credit.limit_exceeded") == 2)
        #expect(throws: PolicyRejected.self) { try PolicyParser.parse("version: \"r2\"\nrouting:\n  queues: {nowhere: push}\n") }
        do {
            _ = try PolicyParser.parse("version: \"r3\"\nrouting:\n  default: shove\n  weights: {pricing.contract_mismatch: 50}\n")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.issues.map(\.line) == [3, 4])
            #expect(error.issues[0].message.contains("'shove' is not a routing mode"))
        }
    }
}

extension WorkRouterTests {
    @Test("a queue's leads are the supervisors skilled for it, else every supervisor")
    func queueLeads() {
        let people = [Self.person("sam", queues: ["credit"]), Self.person("sue", queues: ["pricing", "credit"]), Self.person("dana")]
        #expect(WorkRouter.leads(of: "credit", supervisors: ["sam", "sue", "zed"], people: people) == ["sam", "sue"])
        #expect(WorkRouter.leads(of: "logistics", supervisors: ["sam", "sue"], people: people) == ["sam", "sue"])
        #expect(WorkRouter.leads(of: nil, supervisors: ["sam"], people: people) == ["sam"])
    }
}

extension WorkRouterTests {
    @Test("someone behind on SLA gives up their items not yet breached to someone with room who is not behind too")
    func rebalance() {
        func held(_ id: String, _ who: String, breached: Bool, priority: Double = 50) -> RoutableItem {
            var item = Self.item(id, queue: "logistics", type: "logistics.carrier_capacity", priority: priority)
            item.assignee = who; item.breached = breached
            return item
        }
        let team = [Self.person("dana", queues: ["logistics"]), Self.person("lee", queues: ["logistics"]), Self.person("max", queues: ["logistics"])]
        var roster = Self.roster(team, load: ["dana": 4, "lee": 3, "max": 1])
        let items = [held("E1", "dana", breached: true), held("E2", "dana", breached: true), held("E3", "dana", breached: false, priority: 10),
                     held("E4", "dana", breached: false, priority: 90), held("E5", "lee", breached: true)]
        #expect(WorkRouter.rebalance(items, roster: roster).isEmpty, "off unless the policy sets a threshold")
        roster.settings.rebalanceWhenBreached = 2
        let moves = WorkRouter.rebalance(items, roster: roster)
        #expect(moves.map(\.item.exceptionId) == ["E4", "E3"], "most urgent first; breached items stay")
        #expect(moves.map(\.to) == ["max", "max"])
        #expect(moves[0].reason == "push routing: dana is behind (2 breached); moved to max: logistics skill, 1 of 8 capacity")
        roster.settings.rebalanceWhenBreached = 1
        #expect(WorkRouter.rebalance(items, roster: roster).allSatisfy { $0.to == "max" }, "lee is behind too and takes nothing")
    }
}
