import ClearwayCore
import ClearwayIntelligence
import Foundation
import Testing

@Suite("Stored breach-risk models")
struct BreachRiskArtefactTests {
    static func model() -> (BreachHazardModel, BreachRiskCard) {
        let facts = BreachHazardTests.world(seed: 3, count: 400)
        let end = facts.compactMap(\.closedAt).max()!
        let history = RiskHistory(facts)
        let model = BreachHazardModel.train(history.slices(facts, now: end))
        let card = BreachRiskCard(intervals: BreachHazardModel.intervals, exceptions: facts.count, slices: 10, historyDays: 180, trainedAt: end,
                                  heldOut: BinaryReport(scores: [0.2, 0.8], outcomes: [false, true]), features: model.features)
        return (model, card)
    }

    @Test("a stored model reads back with the same probabilities and card")
    func roundTrip() throws {
        let (model, card) = Self.model()
        let (read, readCard) = try BreachRiskArtefact.decode(try BreachRiskArtefact(model: model, card: card).encoded())
        #expect(readCard == card)
        let s = RiskSnapshot(type: "inventory.shortage", queue: "inventory", tier: "key", site: "DC-CHI", elapsed: 0.3, queueLoad: 4, moneyAtRisk: 80,
                             monthEnd: false, openedAt: 0, dueAt: 200 * 3_600_000)
        #expect(read.probability(s) == model.probability(s))
    }

    @Test("a damaged or foreign file is refused with what is wrong", arguments: [
        ("weights", "do not fit"), ("format", "format"), ("intervals", "slices"), ("json", "not readable"),
    ])
    func refusesDamage(_ damage: String, _ named: String) throws {
        let (model, card) = Self.model()
        var a = BreachRiskArtefact(model: model, card: card)
        var data = Data()
        switch damage {
        case "weights": a.weights.removeLast(); data = try a.encoded()
        case "format": a.format = "clearway-breach-risk/9"; data = try a.encoded()
        case "intervals": a.card.intervals = 5; data = try a.encoded()
        default: data = Data("{\"format\":".utf8)
        }
        #expect { try BreachRiskArtefact.decode(data) } throws: { "\($0)".contains(named) }
    }
}
