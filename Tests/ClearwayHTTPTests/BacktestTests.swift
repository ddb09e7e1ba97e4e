import Foundation
import Testing

/// A policy backtest on a repeatable simulated history (21 days ending 2026-11-01, seed 7):
/// lowering the contract-price auto-accept tolerance from 10% to 2% resolves fewer
/// exceptions touchlessly, asks a pricing approver about the variances in between, and
/// leaves more pricing exceptions to escalate; the numbers
/// are pinned so a change in either the engine or the replay shows up here.
@Suite struct BacktestTests {
    struct Outcome: Decodable {
        var exceptionsOpened: Int
        var touchlessResolved: Int
        var slaBreaches: Int
        var approvalsNeeded: Int
        var pricingApprovalsNeeded: Int
        var exceptionsPerQueue: [String: Int]
        var eventsNotProcessed: [String: Int]
    }

    struct Report: Decodable {
        var eventsReplayed: Int
        var effectEventsLeftOut: Int
        var recorded: Outcome
        var replayCurrent: Outcome
        var replayCandidate: Outcome
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: BrowserTools.clearway), "needs the clearway executable beside the tests"))
    func lowerAutoAcceptToleranceMeansFewerTouchlessResolutions() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-backtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("history.db").path
        let history = try ChildProcess(BrowserTools.clearway, ["simulate", "--report", "--days", "21", "--orders-per-day", "60", "--until", "2026-11-01",
                                                               "--keep-database", db])
        _ = try await history.finish()   // a 21-day run is too short for the calibration tolerances; the history is what counts
        #expect(FileManager.default.fileExists(atPath: db))

        let policy = try String(contentsOfFile: BrowserTools.repoRoot + "/policy/default.yaml", encoding: .utf8)
        #expect(policy.contains("      maxVariancePercent: 10 "))
        let strict = dir.appendingPathComponent("strict.yaml").path
        try policy.replacingOccurrences(of: "      maxVariancePercent: 10 ", with: "      maxVariancePercent: 2  ").write(toFile: strict, atomically: true, encoding: .utf8)

        let run = try ChildProcess(BrowserTools.clearway, ["backtest", "--policy", strict, "--database", "sqlite:\(db)",
                                                           "--from", "2026-10-11", "--to", "2026-11-01", "--json"])
        let (status, json) = try await run.finish()
        #expect(status == 0, "\(json)")
        let r = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        #expect(r.effectEventsLeftOut > 0, "the simulated systems name the action behind each event that follows from one")
        #expect(r.replayCurrent.eventsNotProcessed.isEmpty && r.replayCandidate.eventsNotProcessed.isEmpty)
        // What happened depends a little on timing inside the simulated desk; the replays
        // depend only on the recorded events (effects of actions left out), so they are pinned.
        #expect(r.recorded.touchlessResolved > 0)
        #expect(r.replayCurrent.touchlessResolved == 93)
        #expect(r.replayCandidate.touchlessResolved == 89)
        #expect(r.replayCandidate.touchlessResolved < r.replayCurrent.touchlessResolved)
        #expect(r.replayCurrent.exceptionsPerQueue["pricing"] == 17 && r.replayCandidate.exceptionsPerQueue["pricing"] == 9)
        #expect(r.replayCurrent.exceptionsPerQueue["pricing_escalations"] == 4 && r.replayCandidate.exceptionsPerQueue["pricing_escalations"] == 9)
        #expect(r.replayCandidate.slaBreaches == 62 && r.replayCurrent.slaBreaches == 57)
        // Variances between the new 2% and the 10% approval limit now go to a pricing approver.
        #expect(r.replayCurrent.pricingApprovalsNeeded == 0)
        #expect(r.replayCandidate.pricingApprovalsNeeded == 11)
        #expect(r.replayCandidate.pricingApprovalsNeeded > r.recorded.pricingApprovalsNeeded, "more pricing approvals than what happened")
        // Queues the pricing rule does not touch are the same in both replays.
        for queue in ["credit", "inventory", "logistics", "warehouse"] {
            #expect(r.replayCurrent.exceptionsPerQueue[queue] == r.replayCandidate.exceptionsPerQueue[queue], "\(queue)")
        }
    }
}
