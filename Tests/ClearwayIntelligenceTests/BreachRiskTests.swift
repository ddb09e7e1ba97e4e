import ClearwayCore
import Foundation
import ClearwayIntelligence
import Testing

@Suite("SLA breach risk")
struct BreachRiskTests {
    @Test("AUC counts a tie as half and is 1 for a perfect ranking; Brier is the mean squared gap")
    func binaryMetrics() {
        let perfect = BinaryReport(scores: [0.1, 0.2, 0.8, 0.9], outcomes: [false, false, true, true])
        #expect(perfect.auc == 1 && perfect.positives == 2)
        #expect(abs(perfect.brier - (0.01 + 0.04 + 0.04 + 0.01) / 4) < 1e-12)
        // One positive tied with one negative, one positive above both: (1 + 0.5) / 2.
        #expect(BinaryReport(scores: [0.5, 0.5, 0.9], outcomes: [false, true, true]).auc == 0.75)
        #expect(BinaryReport(scores: [0.9, 0.1], outcomes: [false, true]).auc == 0)
    }

    @Test("queue load counts what was open at a moment, and snapshots stop once the exception closed")
    func historyExamples() {
        let hour: Int64 = 3_600_000
        let facts = [
            ExceptionFact(exceptionId: "E1", caseId: "C1", type: "credit.limit_exceeded", queue: "credit", site: "DC-CHI", customerId: "A", tier: "key",
                          openedAt: 0, closedAt: 10 * hour, dueAt: 8 * hour, state: "resolved"),
            ExceptionFact(exceptionId: "E2", caseId: "C2", type: "credit.limit_exceeded", queue: "credit", site: "DC-CHI", customerId: "B", tier: "key",
                          openedAt: 1 * hour, closedAt: 2 * hour, dueAt: 9 * hour, state: "resolved"),
            ExceptionFact(exceptionId: "E3", caseId: "C3", type: "inventory.shortage", queue: "inventory", site: "DC-CHI", customerId: "B", tier: "key",
                          openedAt: 3 * hour, dueAt: 100 * hour, state: "open"),
        ]
        let history = RiskHistory(facts)
        #expect(history.load(queue: "credit", at: 1 * hour) == 2 && history.load(queue: "credit", at: 2 * hour) == 1)
        let examples = history.examples(facts, now: 20 * hour)
        // E1: four moments, breached; E2: only at opening (closed before a quarter); E3: outcome unknown.
        #expect(examples.map(\.breached) == [true, true, true, true, false])
        #expect(examples.map(\.snapshot.elapsed) == [0, 0.25, 0.5, 0.75, 0])
    }

    @Test("the model learns that a loaded queue late in the SLA breaches, and trains the same twice")
    func learnsLoadAndAge() {
        var rng = SeededRandom(seed: 5)
        var examples: [(RiskSnapshot, Bool)] = []
        for _ in 0..<2_000 {
            let load = rng.int(0...60), elapsed = Double(rng.int(0...100)) / 100
            let risk = 1 / (1 + exp(-(Double(load) / 10 + 4 * elapsed - 5)))
            examples.append((RiskSnapshot(type: "pricing.contract_mismatch", queue: "pricing", tier: "key", site: "DC-CHI", elapsed: elapsed,
                                          queueLoad: load, moneyAtRisk: 500, monthEnd: false), rng.chance(risk)))
        }
        let model = BreachRiskModel.train(examples)
        let report = BinaryReport(scores: examples.map { model.probability($0.0) }, outcomes: examples.map(\.1))
        #expect(report.auc > 0.85, "AUC \(report.auc)")
        let quiet = RiskSnapshot(type: "pricing.contract_mismatch", queue: "pricing", tier: "key", site: "DC-CHI", elapsed: 0.1, queueLoad: 1, moneyAtRisk: 500, monthEnd: false)
        var busy = quiet
        busy.queueLoad = 60; busy.elapsed = 0.9
        #expect(model.probability(busy) > 0.8 && model.probability(quiet) < 0.2)
        #expect(BreachRiskModel.train(examples).probability(busy) == model.probability(busy))
    }
}

@Suite("Next-best action")
struct NextBestActionTests {
    static func example(_ step: String, hours: Double, customer: String = "X", site: String = "DC-CHI") -> ResolvedExample {
        ResolvedExample(type: "credit.limit_exceeded", customerId: customer, productFamily: nil, site: site, step: step, hours: hours)
    }

    @Test("the step that resolved most similar exceptions fastest ranks first, with its evidence; rare steps are not offered")
    func ranking() {
        let history = Array(repeating: Self.example("action:release_credit", hours: 3), count: 42)
            + Array(repeating: Self.example("resolution:payment_received", hours: 30), count: 8)
            + [Self.example("resolution:other", hours: 1), Self.example("resolution:other", hours: 1)]
            + [ResolvedExample(type: "inventory.shortage", customerId: "X", productFamily: nil, site: "DC-CHI", step: "action:split_order", hours: 1)]
        let target = NextBestAction.Target(type: "credit.limit_exceeded", customerId: "ACME", productFamily: nil, site: "DC-CHI")
        let ranked = NextBestAction.rank(target, history: history)
        #expect(ranked.map(\.step) == ["action:release_credit", "resolution:payment_received"])
        #expect(ranked[0].evidence == "resolved 42 of 52 similar cases in median 3 h")
        #expect(ranked[1].medianHours == 30)
    }

    @Test("the same customer's history weighs more, and people's rejections push a step down")
    func customerAndFeedback() {
        let history = Array(repeating: Self.example("action:release_credit", hours: 4), count: 10)
            + Array(repeating: Self.example("resolution:payment_received", hours: 4, customer: "ACME"), count: 6)
        let target = NextBestAction.Target(type: "credit.limit_exceeded", customerId: "ACME", productFamily: nil, site: "elsewhere")
        #expect(NextBestAction.rank(target, history: history).first?.step == "resolution:payment_received")
        let rejected = NextBestAction.rank(target, history: history, feedback: ["resolution:payment_received": (0, 4)])
        #expect(rejected.first?.step == "action:release_credit")
        #expect(rejected.last?.evidence.hasSuffix("accepted 0 of 4 times it was offered") == true)
    }
}
