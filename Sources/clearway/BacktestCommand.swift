import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayInsights
import Foundation

/// `clearway backtest`: a changed policy tried on the recorded events of a period.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest", abstract: "Replay a period's recorded events through a changed policy and compare with what happened.",
        discussion: """
        Replays every recorded event up to the end of the period into scratch stores, once under the policy in force \
        (--current-policy, default the bundled one) and once under --policy, with SLA timers and touchless rules running \
        and every action assumed applied. People's work is not replayed, so compare the two replays: their difference is \
        the policy's effect. Events that followed from Clearway's own actions (extension clearwayaction) are left out.
        """)
    @Option(help: "The changed policy to try.") var policy: String
    @Option(help: "The policy in force during the period (default: the bundled policy).") var currentPolicy: String?
    @Option(help: "Keep the two replays' stores in this folder (current.db, candidate.db) to look into them.") var keepReplays: String?
    @OptionGroup var db: DatabaseOptions
    @OptionGroup var period: PeriodOptions

    func run() async throws {
        let candidate = try PolicyOption.load(policy)
        let current = try PolicyOption.load(currentPolicy)
        let filter = try period.filter()
        let logger = makeLogger(level: .warning)
        let database = try await db.open(logger: logger)
        let engine = ClearwayEngine(database: database, policy: current, logger: logger)
        let report = try await PolicyBacktest(engine: engine, logger: logger, keepReplaysIn: keepReplays).run(candidate: candidate, filter: filter)
        await database.close()
        if period.json { return try printJSON(report) }
        print("Backtest \(report.from) to \(report.to): \(report.eventsReplayed) events replayed, \(report.effectEventsLeftOut) that followed from actions left out.")
        print("| | what happened | replay, policy in force | replay, \(URL(fileURLWithPath: policy).lastPathComponent) | change |\n|---|---|---|---|---|")
        func row(_ name: String, _ value: (PolicyBacktest.Outcome) -> Double, _ format: String = "%.0f") {
            let r = value(report.recorded), a = value(report.replayCurrent), b = value(report.replayCandidate)
            print("| \(name) | \(String(format: format, r)) | \(String(format: format, a)) | \(String(format: format, b)) | \(String(format: "%+" + format.dropFirst(), b - a)) |")
        }
        row("exceptions opened", { Double($0.exceptionsOpened) })
        row("resolved touchless", { Double($0.touchlessResolved) })
        row("touchless rate (%)", { $0.touchlessRate * 100 }, "%.1f")
        row("SLA breaches", { Double($0.slaBreaches) })
        row("approvals needed", { Double($0.approvalsNeeded) })
        row("pricing approvals needed", { Double($0.pricingApprovalsNeeded) })
        row("revenue at risk at the end", { $0.revenueAtRisk })
        let queues = Set(report.recorded.exceptionsPerQueue.keys).union(report.replayCandidate.exceptionsPerQueue.keys).union(report.replayCurrent.exceptionsPerQueue.keys)
        for q in queues.sorted() { row("in \(q) at the end", { Double($0.exceptionsPerQueue[q] ?? 0) }) }
        for (name, side) in [("policy in force", report.replayCurrent), ("changed policy", report.replayCandidate)] where !side.eventsNotProcessed.isEmpty {
            print("Replay under the \(name) could not process: " + side.eventsNotProcessed.sorted { $0.value > $1.value }.map { "\($0.value) × \($0.key)" }.joined(separator: "; "))
        }
    }
}
