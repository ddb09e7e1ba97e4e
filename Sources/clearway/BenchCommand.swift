import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks (results go to BENCHMARKS.md).", subcommands: [BenchIngest.self, BenchEDI.self, BenchInsights.self, BenchKPIs.self, BenchClassifier.self, BenchRisk.self, BenchRecommendations.self, BenchCluster.self, BenchRouting.self])
}
