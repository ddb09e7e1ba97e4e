import ClearwayIntelligence
import Foundation

/// Breach-risk examples as CSV with the features already scaled, for the peer.
enum RiskCSV {
    static func write(_ examples: [RiskHistory.Example]) -> String {
        "type,queue,tier,site,elapsed,queueLoad,moneyAtRisk,monthEnd,breached\n" + examples.map { e in
            let s = e.snapshot, n = s.scaledNumbers
            return "\(s.type),\(s.queue),\(s.tier),\(s.site),\(n[0]),\(n[1]),\(n[2]),\(n[3]),\(e.breached ? 1 : 0)\n"
        }.joined()
    }

    /// The hazard model's training slices.
    static func slices(_ rows: [RiskHistory.Slice]) -> String {
        "type,queue,tier,site,interval,when,queueLoad,moneyAtRisk,monthEnd,closed\n" + rows.map { r in
            let s = r.snapshot, n = s.scaledNumbers, when = BreachHazardModel.when(s, interval: r.interval) ?? ""
            return "\(s.type),\(s.queue),\(s.tier),\(s.site),\(r.interval),\(when),\(n[1]),\(n[2]),\(n[3]),\(r.closed ? 1 : 0)\n"
        }.joined()
    }

    /// Each test snapshot as the slices still ahead of it, with the share of each to come.
    static func queries(_ snapshots: [RiskSnapshot], _ outcomes: [Bool]) -> String {
        var out = "id,type,queue,tier,site,interval,when,share,queueLoad,moneyAtRisk,monthEnd,breached\n"
        for (i, (s, breached)) in zip(snapshots, outcomes).enumerated() {
            let n = s.scaledNumbers
            for slice in BreachHazardModel.remaining(elapsed: s.elapsed) {
                let when = BreachHazardModel.when(s, interval: slice.interval) ?? ""
                out += "\(i),\(s.type),\(s.queue),\(s.tier),\(s.site),\(slice.interval),\(when),\(slice.share),\(n[1]),\(n[2]),\(n[3]),\(breached ? 1 : 0)\n"
            }
        }
        return out
    }
}

/// A temporary folder for the files the peer reads.
struct RiskBenchFiles {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-bench-risk-\(ProcessInfo.processInfo.processIdentifier)")

    init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

    func write(_ name: String, _ text: String) throws -> String {
        let file = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}
