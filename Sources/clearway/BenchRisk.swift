import ArgumentParser
import ClearwayCore
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// `clearway bench risk`: the SLA breach-risk models trained on a Clearway history, and
/// scikit-learn fitted on the identical examples, in one run, measured two ways: on the
/// latest exceptions of a closed history, and at moments the record is cut at, as the
/// models are used (a history that ends now, with work still open).
struct BenchRisk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk", abstract: "Measure the SLA breach-risk models (AUC, calibration, training time) against scikit-learn on a Clearway history.",
        discussion: "Make a history first, e.g.: clearway simulate --report --days 90 --orders-per-day 60 --keep-database /tmp/history.db")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Share of exceptions, the latest opened, held out to test on; also the share of the record's span the cuts fall in.")
    var holdout = 0.2
    @Option(help: "Moments the record is cut at, to measure a history that ends now.") var cuts = 5
    @Option(help: "Runs per measurement; the best is reported.") var runs = 3
    @Option(help: "Inverse regularisation strength of every model, Clearway's and the peer's.") var c = 1.0
    @Option(help: "Python with scikit-learn installed (default: $CLEARWAY_PEERS_PYTHON or .venv-peers/bin/python).") var peerPython: String?

    func validate() throws {
        guard holdout > 0, holdout < 1 else { throw ValidationError("--holdout must be between 0 and 1") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
        guard (1...50).contains(cuts) else { throw ValidationError("--cuts must be 1…50") }
        guard c > 0, c.isFinite else { throw ValidationError("--c must be a positive number") }
    }

    struct Row { var name: String; var report: BinaryReport; var seconds: Double }

    func run() async throws {
        let database = try await db.open(logger: makeLogger(level: .warning))
        let facts = try await CaseQueries(database: database).exceptionFacts(from: Instant(millis: 0), to: Instant(millis: Int64.max / 2))
        await database.close()
        let end = facts.map { max($0.closedAt ?? $0.openedAt, $0.openedAt) }.max() ?? 0
        let files = try RiskBenchFiles()
        defer { files.remove() }
        let closed = try closedHistory(facts, end: end, files: files)
        let now = try endingNow(facts, end: end, files: files)
        print("\n| history | model | AUC | Brier score | expected calibration error | training (s) |\n|---|---|---|---|---|---|")
        for (history, rows) in [("closed, latest \(Int(holdout * 100))%", closed), ("ending now, \(cuts) cuts", now)] {
            for r in rows {
                print(String(format: "| %@ | %@ | %.4f | %.4f | %.4f | %.3f |", history, r.name, r.report.auc, r.report.brier,
                             r.report.expectedCalibrationError, r.seconds))
            }
        }
        for (history, rows) in [("closed", closed), ("ending now", now)] {
            print("\nCalibration, \(history) (hazard model): " + rows[1].report.calibration.filter { $0.count > 0 }
                .map { String(format: "%.1f–%.1f: %d predicted %.2f, breached %.2f", $0.from, $0.to, $0.count, $0.meanConfidence, $0.accuracy) }
                .joined(separator: "; "))
        }
    }

    /// Train on exceptions opened in the earlier part, test on the snapshots of the latest.
    func closedHistory(_ facts: [ExceptionFact], end: Int64, files: RiskBenchFiles) throws -> [Row] {
        let history = RiskHistory(facts)
        let examples = history.examples(facts, now: end)
        let opened = examples.map(\.openedAt).sorted()
        guard examples.count >= 50, let cut = opened.dropFirst(Int(Double(opened.count) * (1 - holdout))).first else {
            throw CLIError.badInput("the history has too few exceptions with a known outcome (\(examples.count) examples); backfill more days")
        }
        let train = examples.filter { $0.openedAt < cut }, test = examples.filter { $0.openedAt >= cut }
        let slices = history.slices(facts.filter { $0.openedAt < cut }, now: end)
        let (logistic, logisticSeconds) = best { BreachRiskModel.train(train.map { ($0.snapshot, $0.breached) }, c: c) }
        let (hazard, hazardSeconds) = best { BreachHazardModel.train(slices, c: c) }
        let outcomes = test.map(\.breached), snapshots = test.map(\.snapshot)
        let rate = Double(outcomes.filter { $0 }.count) / Double(max(test.count, 1))
        print("History: \(facts.count) exceptions. Closed: \(examples.count) snapshots with a known outcome (at opening and at ¼, ½, ¾ of the way "
              + "to due while open); trained on the first \(train.count) (the hazard model on \(slices.count) slices of the same exceptions), "
              + String(format: "tested on the %d of the latest %d%% opened, %.1f%% breached; best of %d runs; one core",
                       test.count, Int(holdout * 100), 100 * rate, runs))
        let trainFile = try files.write("train.csv", RiskCSV.write(train)), testFile = try files.write("test.csv", RiskCSV.write(test))
        let peer = try peerRun([trainFile, testFile])
        let hazardPeer = try peerRun(["--hazard", try files.write("slices.csv", RiskCSV.slices(slices)),
                                      try files.write("queries.csv", RiskCSV.queries(snapshots, outcomes))])
        return [Row(name: "Clearway, outcomes known (today's)", report: BinaryReport(scores: snapshots.map(logistic.probability), outcomes: outcomes),
                    seconds: logisticSeconds),
                Row(name: "Clearway, hazard with censoring", report: BinaryReport(scores: snapshots.map(hazard.probability), outcomes: outcomes),
                    seconds: hazardSeconds),
                peer.row("scikit-learn, outcomes known"), hazardPeer.row("scikit-learn, hazard with censoring")]
    }

    /// At each cut, train on what was known then and score what was open inside its SLA.
    func endingNow(_ facts: [ExceptionFact], end: Int64, files: RiskBenchFiles) throws -> [Row] {
        var logisticScores: [Double] = [], hazardScores: [Double] = [], outcomes: [Bool] = []
        var logisticSeconds = 0.0, hazardSeconds = 0.0, peerFiles: [String] = [], unknown = 0
        for (n, view) in RiskCutView.series(facts, end: end, share: holdout, count: cuts).enumerated() {
            let t = view.cut.at
            let examples = view.history.examples(view.cut.known, now: t)
            let breaches = examples.filter(\.breached).count
            guard breaches > 0, breaches < examples.count else { continue }
            unknown += view.cut.known.filter { !$0.isClosed && $0.dueAt > t }.count
            let (logistic, ls) = best { BreachRiskModel.train(examples.map { ($0.snapshot, $0.breached) }, c: c) }
            let (hazard, hs) = best { BreachHazardModel.train(view.slices, c: c) }
            logisticSeconds += ls; hazardSeconds += hs
            logisticScores += view.asked.map(logistic.probability)
            hazardScores += view.asked.map(hazard.probability)
            outcomes += view.cut.asked.map(\.breached)
            peerFiles += [try files.write("slices-\(n).csv", RiskCSV.slices(view.slices)),
                          try files.write("queries-\(n).csv", RiskCSV.queries(view.asked, view.cut.asked.map(\.breached)))]
        }
        guard !outcomes.isEmpty else { throw CLIError.badInput("no cut had open exceptions with a known outcome; backfill more days") }
        print(String(format: "Ending now: the record cut at %d moments over its last %d%%; at each, the models trained on what was known then "
                     + "(%d exceptions in all were open inside their SLA, an outcome today's model leaves out) and scored the %d open "
                     + "inside their SLA whose outcome the full record knows, %.1f%% of which breached",
                     cuts, Int(holdout * 100), unknown, outcomes.count, 100 * Double(outcomes.filter { $0 }.count) / Double(outcomes.count)))
        let hazardPeer = try peerRun(["--hazard"] + peerFiles)
        return [Row(name: "Clearway, outcomes known (today's)", report: BinaryReport(scores: logisticScores, outcomes: outcomes), seconds: logisticSeconds),
                Row(name: "Clearway, hazard with censoring", report: BinaryReport(scores: hazardScores, outcomes: outcomes), seconds: hazardSeconds),
                hazardPeer.row("scikit-learn, hazard with censoring")]
    }

    func best<T>(_ train: () -> T) -> (T, Double) {
        var seconds = Double.infinity, model: T?
        for _ in 0..<runs {
            let started = ContinuousClock.now
            model = train()
            seconds = min(seconds, ModelFiles.seconds(since: started))
        }
        return (model!, seconds)
    }

    struct Peer: Decodable {
        var trainSeconds: Double; var n: Int; var auc: Double; var brier: Double; var ece: Double
        func row(_ name: String) -> Row {
            var report = BinaryReport(scores: [], outcomes: [])
            report.n = n; report.auc = auc; report.brier = brier; report.expectedCalibrationError = ece
            return Row(name: name, report: report, seconds: trainSeconds)
        }
    }

    func peerRun(_ arguments: [String]) throws -> Peer {
        try PeerRunner.decode(Peer.self, try PeerRunner.run(python: peerPython, script: "sklearn_risk.py", arguments: arguments + ["--repeat", String(runs), "--c", String(c)],
                                                            installs: "scikit-learn"), from: "sklearn_risk.py")
    }
}
