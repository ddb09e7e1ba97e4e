import ClearwayCore
import ClearwaySimulator
@testable import ClearwayInsights
import Testing

@Suite("Root-cause patterns")
struct RootCauseTests {
    /// A seeded spread of exceptions over segments and days, with one planted cause.
    static func facts(plantPricingIn segment: String?) -> [ExceptionFact] {
        var rng = SeededRandom(seed: 11)
        let segments = ["industrial", "construction", "utilities", "oem", "government"]
        let types = ["pricing.contract_mismatch", "inventory.shortage", "credit.limit_exceeded", "logistics.carrier_capacity"]
        var out: [ExceptionFact] = []
        for i in 0..<2_000 {
            let type = types[Int(rng.next() % UInt64(types.count))]
            var seg = segments[Int(rng.next() % UInt64(segments.count))]
            if let segment, type == "pricing.contract_mismatch", rng.next() % 100 < 45 { seg = segment }
            let opened = Int64(rng.next() % 90) * 86_400_000 + 1_700_000_000_000 / 86_400_000 * 86_400_000
            out.append(ExceptionFact(exceptionId: "e\(i)", caseId: "c\(i)", type: type, queue: "q", site: "DC-\(rng.next() % 3)", customerId: "C-\(rng.next() % 50)",
                                     tier: "standard", segment: seg, channel: "api", openedAt: opened, dueAt: opened + 1, state: "open"))
        }
        return out
    }

    static let period = FactFilter(from: 1_690_000_000_000, to: 1_710_000_000_000)

    @Test("a type concentrated in one segment is found and stated with its numbers and a link")
    func plantedSegment() throws {
        let findings = RootCauseFinder.find(Self.facts(plantPricingIn: "construction"), filter: Self.period)
        let top = try #require(findings.first)
        #expect(top.type == "pricing.contract_mismatch" && top.dimension == "segment" && top.value == "construction")
        #expect(top.primary)
        #expect(top.lift > 2)
        #expect(top.statement.hasPrefix("Pricing (contract mismatch) exceptions concentrate in the construction segment: \(top.count) of \(top.typeTotal)"))
        #expect(top.statement.contains("contract governance"))
        #expect(top.link == "/cases?type=pricing.contract_mismatch&segment=construction")
        #expect(findings.count == 1, "only the planted cause: \(findings.map(\.statement))")
    }

    @Test("evenly spread exceptions give no finding")
    func nothingPlanted() {
        #expect(RootCauseFinder.find(Self.facts(plantPricingIn: nil), filter: Self.period).isEmpty)
    }

    @Test("month-end is the last days of each month, leap years included")
    func monthEnd() {
        let day: (Int, Int, Int) -> Int64 = { y, m, d in Int64(LocalDate(year: y, month: m, day: d).dayNumber) * 86_400_000 }
        #expect(RootCauseFinder.monthPhase(day(2024, 2, 27), lastDays: 3) == "month-end")
        #expect(RootCauseFinder.monthPhase(day(2024, 2, 26), lastDays: 3) == "rest of month")
        #expect(RootCauseFinder.monthPhase(day(2023, 2, 26), lastDays: 3) == "month-end")
        #expect(RootCauseFinder.monthPhase(day(2026, 12, 31), lastDays: 3) == "month-end")
    }
}
