import ClearwayCore
import ClearwayIntelligence
import Foundation
import Testing

@Suite("SLA breach risk as a hazard, with open work censored")
struct BreachHazardTests {
    static let hour: Int64 = 3_600_000

    static func fact(_ id: String, opened: Int64, closed: Int64?, due: Int64) -> ExceptionFact {
        ExceptionFact(exceptionId: id, caseId: "C-\(id)", type: "credit.limit_exceeded", queue: "credit", site: "DC-CHI", customerId: "A", tier: "key",
                      openedAt: opened * hour, closedAt: closed.map { $0 * hour }, dueAt: due * hour, state: closed == nil ? "open" : "resolved")
    }

    @Test("each slice seen through counts; the slice the record ends in is left out; a closing ends the slices")
    func slicesCensorOpenWork() {
        let facts = [
            Self.fact("closed-in-fifth", opened: 0, closed: 5, due: 16),  // slices of 1 h: closed in slice 4
            Self.fact("breached", opened: 0, closed: 20, due: 8),         // sixteen slices, none closed
            Self.fact("open", opened: 10, closed: nil, due: 26),          // at 17 h: slices 0–6 seen, 7 not begun
            Self.fact("closes-later", opened: 10, closed: 30, due: 42),   // closing after now not known; 2 h slices: 0–2 seen, 3 censored
            Self.fact("not-yet", opened: 18, closed: nil, due: 30),
        ]
        let slices = RiskHistory(facts).slices(facts, now: 17 * Self.hour)
        let byId = Dictionary(grouping: slices, by: \.openedAt)
        #expect(byId[0]?.filter { $0.snapshot.elapsed == 0 }.count == 2)
        let summary = slices.map { "\($0.interval)\($0.closed ? "c" : "")" }
        #expect(BreachHazardModel.intervals == 16, "the cases above are worked out for sixteen slices")
        let expected = ["0", "1", "2", "3", "4c"] + (0..<16).map(String.init) + (0...6).map(String.init) + ["0", "1", "2"]
        #expect(summary == expected, "\(summary)")
    }

    @Test("the slices left from a moment: the current one in part, none at or past due")
    func remainingSlices() {
        let k = BreachHazardModel.intervals
        #expect(BreachHazardModel.remaining(elapsed: 0).count == k && BreachHazardModel.remaining(elapsed: 0).allSatisfy { $0.share == 1 })
        let late = BreachHazardModel.remaining(elapsed: 1 - 0.3 / Double(k))
        #expect(late.count == 1 && late[0].interval == k - 1)
        #expect(abs(late[0].share - 0.3) < 1e-9)
        let half = BreachHazardModel.remaining(elapsed: 0.5)
        #expect(half.count == k / 2 && half.allSatisfy { $0.share == 1 })
        #expect(BreachHazardModel.remaining(elapsed: 1).isEmpty && BreachHazardModel.remaining(elapsed: 3).isEmpty)
    }

    /// A world where the credit queue closes half its open work in each eighth of the time
    /// to due and the inventory queue a tenth: the breach chance from opening is 0.5⁸ and
    /// 0.9⁸. An
    /// exception opens every hour with 200 hours to due, so at any moment a sixth of the
    /// record is still inside its SLA.
    static func world(seed: UInt64, count: Int) -> [ExceptionFact] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { i in
            let credit = i % 2 == 0, h = credit ? 0.5 : 0.1, opened = Int64(i) * hour
            var closed = opened + 210 * hour
            for slice in 0..<8 where rng.chance(h) { closed = opened + Int64(slice * 25 + 12) * hour; break }
            return ExceptionFact(exceptionId: "E\(i)", caseId: "C\(i)", type: credit ? "credit.limit_exceeded" : "inventory.shortage",
                                 queue: credit ? "credit" : "inventory", site: "DC-CHI", customerId: "A", tier: "key",
                                 openedAt: opened, closedAt: closed, dueAt: opened + 200 * hour, state: "resolved")
        }
    }

    @Test("trained on a record that ends now, with a sixth of it still open, the hazard model gives each queue its true breach chance")
    func calibratedWhenTheRecordEndsNow() throws {
        let facts = Self.world(seed: 11, count: 1_200)
        let cut = RiskCut(facts, at: 1_100 * Self.hour, end: facts.compactMap(\.closedAt).max()!)
        let history = RiskHistory(cut.known)
        let slices = history.slices(cut.known, now: cut.at)
        let hazard = BreachHazardModel.train(slices)
        #expect(BreachHazardModel.train(slices).probability(history.snapshot(cut.known[0], at: cut.at)) == hazard.probability(history.snapshot(cut.known[0], at: cut.at)),
                "trains the same twice")
        for (queue, truth) in [("credit", pow(0.5, 8.0)), ("inventory", pow(0.9, 8.0))] as [(String, Double)] {
            let open = try #require(cut.asked.first { $0.fact.queue == queue }, "an exception of \(queue) open at the cut")
            var atOpening = history.snapshot(open.fact, at: cut.at)
            atOpening.elapsed = 0
            #expect(abs(hazard.probability(atOpening) - truth) < 0.06, "\(queue): \(hazard.probability(atOpening)) against \(truth)")
        }
    }

    @Test("a cut forgets closings after it and asks only about work open inside its SLA whose outcome is known")
    func cutKnowsOnlyThePast() {
        let facts = [Self.fact("done", opened: 0, closed: 2, due: 8), Self.fact("closes-after", opened: 1, closed: 12, due: 9),
                     Self.fact("overdue", opened: 0, closed: nil, due: 3), Self.fact("later", opened: 6, closed: 7, due: 10),
                     Self.fact("unknown", opened: 4, closed: nil, due: 40)]
        let cut = RiskCut(facts, at: 5 * Self.hour, end: 20 * Self.hour)
        #expect(cut.known.map(\.exceptionId) == ["done", "closes-after", "overdue", "unknown"])
        #expect(cut.known[1].closedAt == nil)
        #expect(cut.asked.map(\.fact.exceptionId) == ["closes-after"] && cut.asked[0].breached)
        #expect(RiskCut.moments(facts, end: 20 * Self.hour, share: 0.5, count: 2) == [10 * Self.hour, 15 * Self.hour])
    }
}
