import ArgumentParser
import ClearwayCore
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// `clearway bench risk`: the SLA breach-risk model trained on a Clearway history, and
/// scikit-learn's logistic regression on the identical examples and split, in one run.
struct BenchRisk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk", abstract: "Measure the SLA breach-risk model (AUC, calibration, training time) against scikit-learn on a Clearway history.",
        discussion: "Make a history first, e.g.: clearway simulate --report --days 90 --orders-per-day 60 --keep-database /tmp/history.db")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Share of exceptions, the latest opened, held out to test on.") var holdout = 0.2
    @Option(help: "Runs per measurement; the best is reported.") var runs = 3
    @Option(help: "Python with scikit-learn installed (default: $CLEARWAY_PEERS_PYTHON or .venv-peers/bin/python).") var peerPython: String?

    func validate() throws {
        guard holdout > 0, holdout < 1 else { throw ValidationError("--holdout must be between 0 and 1") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
    }

    func run() async throws {
        let database = try await db.open(logger: makeLogger(level: .warning))
        let facts = try await CaseQueries(database: database).exceptionFacts(from: Instant(millis: 0), to: Instant(millis: Int64.max / 2))
        await database.close()
        let now = facts.map { max($0.closedAt ?? $0.openedAt, $0.openedAt) }.max() ?? 0
        let examples = RiskHistory(facts).examples(facts, now: now)
        let opened = examples.map(\.openedAt).sorted()
        guard examples.count >= 50, let cut = opened.dropFirst(Int(Double(opened.count) * (1 - holdout))).first else {
            throw CLIError.badInput("the history has too few exceptions with a known outcome (\(examples.count) examples); backfill more days")
        }
        let train = examples.filter { $0.openedAt < cut }, test = examples.filter { $0.openedAt >= cut }
        var seconds = Double.infinity
        var model: BreachRiskModel?
        for _ in 0..<runs {
            let started = ContinuousClock.now
            model = BreachRiskModel.train(train.map { ($0.snapshot, $0.breached) })
            seconds = min(seconds, ModelFiles.seconds(since: started))
        }
        guard let model else { return }
        let report = BinaryReport(scores: test.map { model.probability($0.snapshot) }, outcomes: test.map(\.breached))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-bench-risk-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainFile = dir.appendingPathComponent("train.csv"), testFile = dir.appendingPathComponent("test.csv")
        try Data(RiskCSV.write(train).utf8).write(to: trainFile)
        try Data(RiskCSV.write(test).utf8).write(to: testFile)
        struct Peer: Decodable { var trainSeconds: Double; var n: Int; var auc: Double; var brier: Double; var ece: Double }
        let peer = try PeerRunner.decode(Peer.self, try PeerRunner.run(python: peerPython, script: "sklearn_risk.py",
                                                                       arguments: [trainFile.path, testFile.path, "--repeat", String(runs)],
                                                                       installs: "scikit-learn"), from: "sklearn_risk.py")
        let rate = Double(test.filter(\.breached).count) / Double(max(test.count, 1))
        print("History: \(facts.count) exceptions; \(examples.count) snapshots (at opening and at ¼, ½, ¾ of the way to due while open); "
              + "trained on the first \(train.count), tested on the \(test.count) of the latest \(Int(holdout * 100))% of exceptions opened; "
              + String(format: "breach rate in the test part %.1f%%; best of %d runs; one core", 100 * rate, runs))
        print("\n| | AUC | Brier score | expected calibration error | training (s) |\n|---|---|---|---|---|")
        print(String(format: "| Clearway | %.4f | %.4f | %.4f | %.3f |", report.auc, report.brier, report.expectedCalibrationError, seconds))
        print(String(format: "| scikit-learn | %.4f | %.4f | %.4f | %.3f |", peer.auc, peer.brier, peer.ece, peer.trainSeconds))
        print("\nCalibration (Clearway): " + report.calibration.map { String(format: "%.1f–%.1f: %d predicted %.2f, breached %.2f", $0.from, $0.to, $0.count, $0.meanConfidence, $0.accuracy) }
            .joined(separator: "; "))
    }
}

/// Breach-risk examples as CSV with the features already scaled, for the peer.
enum RiskCSV {
    static func write(_ examples: [RiskHistory.Example]) -> String {
        "type,queue,tier,site,elapsed,queueLoad,moneyAtRisk,monthEnd,breached\n" + examples.map { e in
            let s = e.snapshot, n = s.scaledNumbers
            return "\(s.type),\(s.queue),\(s.tier),\(s.site),\(n[0]),\(n[1]),\(n[2]),\(n[3]),\(e.breached ? 1 : 0)\n"
        }.joined()
    }
}
