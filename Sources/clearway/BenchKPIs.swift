import ArgumentParser
import ClearwayCore
import ClearwayInsights
import ClearwaySimulator
import Foundation

/// `clearway bench kpis`: the KPI report and root-cause analysis over many exceptions held in
/// memory (the shape `CaseQueries.exceptionFacts` returns), to show the computation stays
/// well under a second at a million cases. Loading the facts from the database is separate.
struct BenchKPIs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kpis", abstract: "Measure KPI and root-cause computation over N exceptions.")

    @Option(help: "Exceptions (one per case).") var cases = 1_000_000
    @Option(help: "Runs; the best is reported.") var runs = 3

    func validate() throws {
        guard (1...20_000_000).contains(cases) else { throw ValidationError("--cases must be 1…20000000") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
    }

    func run() async throws {
        let facts = Self.facts(count: cases)
        let filter = FactFilter(from: 0, to: 90 * 86_400_000)
        let clock = ContinuousClock()
        func best(_ body: () -> Void) -> Double {
            (0..<runs).map { _ in
                let d = clock.measure(body)
                return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }.min() ?? 0
        }
        var report = KPIReport()
        var findings: [RootCauseFinder.Finding] = []
        let kpiSeconds = best { report = KPIReport.compute(facts, filter: filter) }
        let rootSeconds = best { findings = RootCauseFinder.find(facts, filter: filter) }
        var filtered = filter
        filtered.site = "DC-2"
        let filteredSeconds = best { _ = KPIReport.compute(facts, filter: filtered) }
        print("\(cases) exceptions over 90 days (\(report.resolved) resolved, \(report.backlogOpen) open, \(findings.count) root-cause findings); best of \(runs) runs; one core")
        print("| computation | seconds |\n|---|---|")
        print(String(format: "| KPI report, all | %.3f |\n| KPI report, one site | %.3f |\n| root-cause patterns | %.3f |", kpiSeconds, filteredSeconds, rootSeconds))
    }

    /// A seeded spread over types, sites, segments, families and 90 days, with one planted
    /// concentration so root-cause analysis has something to find.
    static func facts(count: Int) -> [ExceptionFact] {
        var rng = SeededRandom(seed: 42)
        func next() -> UInt64 { rng.next() }
        let types = ExceptionType.allCases.map(\.rawValue)
        let segments = ["industrial", "construction", "utilities", "oem", "government"]
        let families = ["electrical", "fasteners", "plumbing", "hvac", "safety"]
        return (0..<count).map { i in
            let type = types[Int(next() % UInt64(types.count))]
            let segment = type == "pricing.contract_mismatch" && next() % 2 == 0 ? "construction" : segments[Int(next() % 5)]
            let opened = Int64(i) * (90 * 86_400_000 / Int64(count))
            let closed: Int64? = next() % 50 == 0 ? nil : opened + Int64(next() % 48) * 3_600_000
            return ExceptionFact(exceptionId: "e\(i)", caseId: "c\(i)", type: type, queue: "q", site: "DC-\(next() % 4)", customerId: "C-\(next() % 5_000)",
                                 tier: "standard", segment: segment, channel: "api", productFamily: families[Int(next() % 5)], sku: "SKU-\(next() % 20_000)",
                                 openedAt: opened, closedAt: closed, dueAt: opened + 8 * 3_600_000, state: closed == nil ? "open" : "resolved",
                                 touchless: next() % 3 == 0, moneyAtRisk: Int64(next() % 10_000_000), humanTouches: Int(next() % 4), caseClosedAt: closed)
        }
    }
}
