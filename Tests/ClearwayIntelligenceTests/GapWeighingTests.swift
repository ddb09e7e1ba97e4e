import ClearwayIntelligence
import Testing

@Suite("Next-best action weighs the size of the gap")
struct GapWeighingTests {
    static func price(_ step: String, gap: Double, hours: Double = 2, customer: String = "X") -> ResolvedExample {
        ResolvedExample(type: "pricing.contract_mismatch", customerId: customer, productFamily: nil, site: "DC-CHI", step: step, hours: hours, gap: gap)
    }

    /// Small variances were accepted at contract price; large ones were corrected on the order.
    static let history = (0..<30).map { price("action:accept_contract_price", gap: 20 + Double($0)) }
        + (0..<12).map { price("resolution:price_corrected", gap: 2_000 + 50 * Double($0)) }

    static func target(gap: Double?) -> NextBestAction.Target {
        NextBestAction.Target(type: "pricing.contract_mismatch", customerId: "ACME", productFamily: nil, site: "DC-CHI", gap: gap)
    }

    @Test("a large gap learns from large gaps: the step that resolved those ranks first, though rarer for the type")
    func largeGapLearnsFromLarge() {
        #expect(NextBestAction.rank(Self.target(gap: 2_400), history: Self.history).first?.step == "resolution:price_corrected")
        #expect(NextBestAction.rank(Self.target(gap: 30), history: Self.history).first?.step == "action:accept_contract_price")
        // Without the gap, the type's most common step wins for both.
        #expect(NextBestAction.rank(Self.target(gap: 2_400), history: Self.history, weighGap: false).first?.step == "action:accept_contract_price")
        #expect(NextBestAction.rank(Self.target(gap: nil), history: Self.history).first?.step == "action:accept_contract_price")
    }

    @Test("the evidence counts the examples of like size beside those of the type")
    func evidenceNamesLikeSize() throws {
        let top = try #require(NextBestAction.rank(Self.target(gap: 2_400), history: Self.history).first)
        #expect(top.evidence == "resolved 12 of 12 with a gap of like size, 12 of 42 of the type, in median 2 h")
        let unknown = try #require(NextBestAction.rank(Self.target(gap: nil), history: Self.history).first)
        #expect(unknown.evidence == "resolved 30 of 42 similar cases in median 2 h")
    }

    @Test("closeness is 1 for equal gaps, ½ at three times the size, symmetric, and 1 when a gap is unknown")
    func closeness() {
        #expect(NextBestAction.gapCloseness(100, 100) == 1)
        #expect(NextBestAction.gapCloseness(2, 8) == 0.5 && NextBestAction.gapCloseness(8, 2) == 0.5)
        #expect(NextBestAction.gapCloseness(0, 0) == 1 && NextBestAction.gapCloseness(nil, 5) == 1 && NextBestAction.gapCloseness(.nan, 5) == 1)
        #expect(NextBestAction.gapCloseness(0, 1_000) < 0.01)
    }

    @Test("the replay ranks each held-back exception only from what closed before it opened, and counts hits")
    func replayUsesOnlyThePast() {
        let hour: Int64 = 3_600_000
        // Ten small price variances accepted, then large ones corrected; the last four are held back.
        var resolutions = (0..<10).map { i in
            RecommendationReplay.Resolution(example: Self.price("action:accept_contract_price", gap: 30), openedAt: Int64(i) * hour,
                                            closedAt: Int64(i) * hour + hour / 2, touchless: true)
        }
        resolutions += (0..<8).map { i in
            RecommendationReplay.Resolution(example: Self.price("resolution:price_corrected", gap: 3_000), openedAt: Int64(20 + i) * hour,
                                            closedAt: Int64(20 + i) * hour + hour / 2, touchless: false)
        }
        let (earlier, held) = RecommendationReplay.heldBack(resolutions, holdout: 0.2)
        #expect(earlier.count == 14 && held.count == 4)
        let weighed = RecommendationReplay.run(resolutions, holdout: 0.2) { NextBestAction.rank($0, history: $1) }
        let typeOnly = RecommendationReplay.run(resolutions, holdout: 0.2) { NextBestAction.rank($0, history: $1, weighGap: false) }
        #expect(weighed.all.held == 4 && weighed.byPerson.held == 4)
        #expect(weighed.all.top1 == 4, "four large corrections seen before each held-back one")
        #expect(typeOnly.all.top1 == 0 && typeOnly.all.top3 == 4)
        var seen: [Int] = []
        _ = RecommendationReplay.run(resolutions, holdout: 0.2) { _, before in seen.append(before.count); return [] }
        #expect(seen == [14, 15, 16, 17])
    }
}
