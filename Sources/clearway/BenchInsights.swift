import ArgumentParser
import ClearwayInsights
import Foundation

/// `clearway bench insights`: process mining on a public OCEL log, Clearway and pm4py in
/// the same invocation (same file, same flattening, same computations), so the ratio holds
/// on a noisy machine.
struct BenchInsights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights", abstract: "Measure process mining (read, flatten, DFG, variants, durations) against pm4py.")

    @Option(help: "OCEL-CSV or OCEL 2.0 JSON log to mine, e.g. pm4py's order-management example (ocel_order_simulated.csv).")
    var log: String
    @Option(help: "Object types to flatten on (repeat the option).") var objectType: [String] = ["orders", "items", "packages"]
    @Option(help: "Repeat the log this many times (ids prefixed per copy) for a larger volume.") var scale = 1
    @Option(help: "Runs per measurement; the best is reported.") var runs = 5
    @Option(help: "Python with pm4py installed (default: $CLEARWAY_PEERS_PYTHON or .venv-peers/bin/python).") var peerPython: String?
    @Option(help: "Also time the KPI report and root causes over this many cases (0: skip; see `bench kpis`).") var kpiCases = 1_000_000

    func validate() throws {
        guard (1...1_000).contains(scale) else { throw ValidationError("--scale must be 1…1000") }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1…100") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: log) else { throw CLIError.badInput("cannot read \(log)") }
        var file = log
        var bytes = data
        if scale > 1 {
            let bigger = try EventLogFile.read(data).repeated(scale)
            file = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-bench-\(ProcessInfo.processInfo.processIdentifier).csv").path
            bytes = Data(OCELCSVWriter.write(bigger).utf8)
            try bytes.write(to: URL(fileURLWithPath: file))
        }
        defer { if scale > 1 { try? FileManager.default.removeItem(atPath: file) } }

        let clock = ContinuousClock()
        func best(_ body: () throws -> Void) rethrows -> Double {
            var fastest = Double.infinity
            for _ in 0..<runs {
                let d = try clock.measure(body)
                fastest = min(fastest, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            }
            return fastest
        }
        var parsed = ObjectCentricLog()
        let readSeconds = try best { parsed = try EventLogFile.read(bytes) }
        var rows: [(type: String, cases: Int, events: Int, seconds: Double)] = []
        for type in objectType {
            var map: ProcessMap?
            let seconds = try best { map = ProcessMap(try parsed.flattened(on: type)) }
            rows.append((type, map?.cases ?? 0, map?.events ?? 0, seconds))
        }

        let peer = try runPeer(file: file)
        print("Log: \(log)\(scale > 1 ? " × \(scale)" : ""), \(parsed.events.count) events, \(parsed.objects.count) objects; best of \(runs) runs; one core")
        print("\n| step | Clearway (s) | pm4py (s) | pm4py ÷ Clearway |\n|---|---|---|---|")
        func row(_ name: String, _ ours: Double, _ theirs: Double) {
            print(String(format: "| %@ | %.4f | %.4f | %.1f× |", name, ours, theirs, theirs / ours))
        }
        row("read the log", readSeconds, peer.readSeconds)
        var ourTotal = readSeconds, theirTotal = peer.readSeconds
        for (ours, theirs) in zip(rows, peer.types) {
            let t = theirs.seconds.values.reduce(0, +)
            row("\(ours.type): flatten, DFG + times, variants, durations (\(ours.cases) cases, \(ours.events) events)", ours.seconds, t)
            ourTotal += ours.seconds
            theirTotal += t
            guard ours.cases == theirs.cases, ours.events == theirs.events else {
                throw CLIError.failure("\(ours.type): Clearway has \(ours.cases) cases / \(ours.events) events, pm4py \(theirs.cases) / \(theirs.events)")
            }
        }
        row("**all of it**", ourTotal, theirTotal)
        if kpiCases > 0 {
            print("")
            var kpis = BenchKPIs()
            kpis.cases = kpiCases
            kpis.runs = min(runs, 3)
            try await kpis.run()
        }
    }

    struct PeerResult: Decodable {
        struct TypeResult: Decodable { var cases: Int; var events: Int; var seconds: [String: Double] }
        var readSeconds: Double
        var types: [TypeResult]
    }

    func runPeer(file: String) throws -> PeerResult {
        let data = try PeerRunner.run(python: peerPython, script: "pm4py_ocel.py",
                                      arguments: [file, "--repeat", String(runs)] + objectType.flatMap { ["--object-type", $0] }, installs: "pm4py")
        return try PeerRunner.decode(PeerResult.self, data, from: "pm4py_ocel.py")
    }
}
