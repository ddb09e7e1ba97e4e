import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// `clearway bench recommendations`: how often the recommended next step is the one that
/// resolved held-back history, with the gap weighed and without, beside the most frequent
/// step of the type, in one run.
struct BenchRecommendations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommendations", abstract: "Measure next-best-action on held-back resolved history (top-1 and top-3 hit rates).",
        discussion: "Make a history first, e.g.: clearway simulate --days 60 --orders-per-day 300 --keep-database /tmp/history.db")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Share of resolved exceptions, the latest closed, held back to test on.") var holdout = 0.2

    func validate() throws {
        guard holdout > 0, holdout < 1 else { throw ValidationError("--holdout must be between 0 and 1") }
    }

    func run() async throws {
        let database = try await db.open(logger: makeLogger(level: .warning))
        let rows = try await CaseQueries(database: database).resolvedExceptions(type: nil, since: Instant(millis: 0), limit: 10_000_000)
        await database.close()
        let history = rows.compactMap { r in
            ResolvedExample(r).map { RecommendationReplay.Resolution(example: $0, openedAt: r.openedAt.millis, closedAt: r.closedAt.millis, touchless: r.touchless) }
        }
        guard history.count >= 50 else {
            throw CLIError.badInput("the history has \(history.count) resolved exceptions with a known step; simulate more days")
        }
        let rankers: [(String, (NextBestAction.Target, [ResolvedExample]) -> [Recommendation])] = [
            ("Clearway, gap weighed", { NextBestAction.rank($0, history: $1) }),
            ("Clearway, type/customer/family/site only", { NextBestAction.rank($0, history: $1, weighGap: false) }),
            ("most frequent step of the type", RecommendationReplay.mostFrequent),
        ]
        let started = ContinuousClock.now
        let results = rankers.map { ($0.0, RecommendationReplay.run(history, holdout: holdout, rank: $0.1)) }
        let held = results[0].1.all.held
        print("History: \(rows.count) resolved exceptions, \(history.count) with a step to learn; the latest \(Int(holdout * 100))% by closing "
              + "(\(held)) held back, each ranked from what had closed before it opened; "
              + String(format: "%.1f s for the three replays", ModelFiles.seconds(since: started)))
        print("\n| ranker | top-1 (all) | top-3 (all) | top-1 (resolved by a person) | offered |\n|---|---|---|---|---|")
        for (name, r) in results {
            print(String(format: "| %@ | %.3f | %.3f | %.3f (%d) | %.3f |", name, r.all.top1Rate, r.all.top3Rate, r.byPerson.top1Rate,
                         r.byPerson.held, Double(r.all.offered) / Double(max(r.all.held, 1))))
        }
        print("\nTop-1 by exception type (" + results.map(\.0).joined(separator: " / ") + "):\n")
        print("| type | held back | " + results.map(\.0).joined(separator: " | ") + " |\n|---|---|" + String(repeating: "---|", count: results.count))
        for type in results[0].1.byType.keys.sorted() {
            let cells = results.map { String(format: "%.3f", $0.1.byType[type]?.top1Rate ?? 0) }
            print("| \(type) | \(results[0].1.byType[type]?.held ?? 0) | " + cells.joined(separator: " | ") + " |")
        }
    }
}
