import ArgumentParser
import AsyncHTTPClient
import ClearwayCore
import ClearwaySimulator
import ClearwayStore
import Foundation

/// `clearway bench cluster`: end-to-end ingestion over HTTP against `clearway serve`
/// processes (one on SQLite; one or more sharing PostgreSQL), single events and batches,
/// with p50/p99/p999 latency; then the same events inserted as bare rows into the same
/// database (what persistence alone costs), and the same routing workflow run by
/// SpiffWorkflow as a peer, all in one invocation.
struct BenchCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cluster", abstract: "Measure ingestion over HTTP on 1–3 nodes, against bare inserts and SpiffWorkflow.")

    @Option(help: "sqlite:PATH (default: a new temporary file) or postgres://… (needs --reset)") var database: String?
    @Flag(help: "Drop Clearway's tables first (required for PostgreSQL).") var reset = false
    @Option(help: "Server processes sharing the database (PostgreSQL only for more than one).") var nodes = 1
    @Option(help: "Orders sent one event per request.") var singleOrders = 3_000
    @Option(help: "Orders sent in batches.") var batchOrders = 20_000
    @Option(help: "Events per batch request.") var batchSize = 100
    @Option(help: "Concurrent clients.") var clients = 8
    @Option(help: "Workload seed.") var seed: UInt64 = 42
    @Flag(help: "Also run the SpiffWorkflow peer on the single-event orders.") var peer = false
    @Option(help: "Share of orders with a planted exception (each opens a case).") var exceptionRate = 0.10
    @Flag(help: "Report each node's resident memory (now and peak) after the load and after the console's heaviest reads.") var memory = false
    @Option(help: "Before the memory report, copy one open case this many times (a backlog of, say, 1000000 open cases in seconds).") var cloneOpenCases = 0
    @Option(help: "Python with SpiffWorkflow (default: $CLEARWAY_PEERS_PYTHON or .venv-peers/bin/python).") var peerPython: String?

    func validate() throws {
        guard (1...8).contains(nodes) else { throw ValidationError("--nodes must be 1…8") }
        guard singleOrders >= 0, batchOrders >= 0, singleOrders + batchOrders > 0 else { throw ValidationError("send at least one order") }
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be 1…1000") }
        guard (1...256).contains(clients) else { throw ValidationError("--clients must be 1…256") }
    }

    func run() async throws {
        try await ScratchCluster.with(database: database, reset: reset, nodes: nodes, purpose: "cluster") { cluster in
            defer { cluster.removeFolder() }
            try await measure(cluster)
        }
    }

    func measure(_ cluster: ScratchCluster) async throws {
        let (db, location, dir, token) = (cluster.database, cluster.location, cluster.dir, cluster.token)
        let servers = try cluster.nodes(nodes)
        let client = HTTPClient.shared
        for server in servers { try await server.start(client: client) }
        let urls = servers.map(\.baseURL)
        var distributor = SyntheticDistributor(seed: seed)
        distributor.exceptionRate = exceptionRate
        let workload = distributor
        let reference = workload.referenceEvents()
        _ = await IngestLoad(nodes: urls, token: token, client: client).run(clients: 1) { n in
            n * 500 < reference.count ? IngestLoad.orders(n * 500..<min(reference.count, n * 500 + 500)) { reference[$0] } : nil
        }
        print("database: \(location), \(nodes) node\(nodes == 1 ? "" : "s"), \(clients) clients over HTTP, workload seed \(seed)")
        print("")
        print("| mode | events | requests | with a case | events/s | p50 ms | p99 ms | p999 ms | CPU µs/event | "
              + "database CPU µs/event | load CPU µs/event | busy cores | bare inserts, events/s | Clearway ÷ bare |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        let (single, batch, size) = (singleOrders, batchOrders, batchSize)
        var phases: [(String, IngestLoad.Totals, Int, CPUUse)] = []
        let cpu = CPUUse.Meter(servers: servers, databaseIsLocal: cluster.databaseIsLocal)
        if single > 0 {
            let before = cpu.reading()
            let totals = await IngestLoad(nodes: urls, token: token, client: client).run(clients: clients) { n in
                n < single ? IngestLoad.orders(n..<n + 1, from: workload.order) : nil
            }
            phases.append(("single", totals, 1, cpu.reading() - before))
        }
        if batch > 0 {
            let before = cpu.reading()
            let totals = await IngestLoad(nodes: urls, token: token, client: client).run(clients: clients) { n in
                n * size < batch ? IngestLoad.orders(single + n * size..<single + min(batch, (n + 1) * size), from: workload.order) : nil
            }
            phases.append(("batch of \(size)", totals, size, cpu.reading() - before))
        }
        if cloneOpenCases > 0 {
            let start = ContinuousClock.now
            let added = try await db.cloneOpenCasesForBenchmark(count: cloneOpenCases)
            print("copied an open case \(added) times in \(String(format: "%.1f", Latency.seconds(ContinuousClock.now - start))) s")
        }
        if memory { try await reportMemory(servers, token: token, client: client) }
        for server in servers { await server.stop() }
        for (name, totals, perRequest, used) in phases {
            guard totals.refused.isEmpty else { throw CLIError.failure("requests were refused: \(totals.refused.prefix(3))") }
            let rows = rawRows(totals.acknowledged, workload: workload, prefix: "\(name)-")
            let bare = try await db.rawInsertBaseline(rows, perTransaction: perRequest, concurrency: clients)
            let rate = Double(totals.events) / Latency.seconds(totals.elapsed)
            let bareRate = Double(rows.count) / Latency.seconds(bare)
            let share = String(format: "%.0f%%", 100 * Double(totals.withCase) / Double(max(1, totals.events)))
            let cpuColumns = used.columns(events: totals.events, elapsed: Latency.seconds(totals.elapsed))
            print("| \(name) | \(totals.events) | \(totals.requests) | \(share) | \(Int(rate)) | \(Latency.percentile(totals.latencies, 0.5)) | "
                  + "\(Latency.percentile(totals.latencies, 0.99)) | \(Latency.percentile(totals.latencies, 0.999)) | \(cpuColumns) | "
                  + "\(Int(bareRate)) | \(String(format: "%.2f", rate / bareRate)) |")
        }
        if peer, single > 0 { try runPeer(workload: workload, reference: reference, orders: single, dir: dir) }
    }

    /// Each node's resident set (VmRSS) and its peak (VmHWM) from /proc, after the load and
    /// again after the reads a console makes over the whole backlog.
    func reportMemory(_ servers: [NodeProcess], token: String, client: HTTPClient) async throws {
        func rss() -> String {
            servers.map { server in
                guard let pid = server.pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return "\(server.name): ?" }
                func field(_ name: String) -> String {
                    let line = status.split(separator: "\n").first { $0.hasPrefix(name) } ?? ""
                    return (Int(line.split(separator: " ").dropFirst().first ?? "").map { "\($0 / 1024) MiB" }) ?? "?"
                }
                return "\(server.name): \(field("VmRSS:")) resident, peak \(field("VmHWM:"))"
            }.joined(separator: "; ")
        }
        print("")
        print("memory after the load: \(rss())")
        var openCases = "?"
        for path in ["/v1/cases?state=active&limit=500", "/v1/cases?state=active&sort=priority&limit=50", "/v1/queues", "/v1/insights/kpis", "/v1/cases?state=active&sort=age&limit=500&offset=5000"] {
            var request = HTTPClientRequest(url: servers[0].baseURL + path)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let start = ContinuousClock.now
            let response = try await client.execute(request, timeout: .seconds(600))
            let body = try await response.body.collect(upTo: 64 << 20)
            print("  GET \(path): \(response.status.code) in \(String(format: "%.2f", Latency.seconds(ContinuousClock.now - start))) s")
            if path.hasPrefix("/v1/insights/kpis"), case .number(let n)? = JSONValue.parse(Data(buffer: body))?["backlogOpen"] { openCases = String(Int(n)) }
        }
        print("memory after listing the backlog, queues and KPIs (\(openCases) open exceptions): \(rss())")
    }

    /// The acknowledged events again as bare rows: the same source, id, type and document.
    func rawRows(_ keys: [String], workload: SyntheticDistributor, prefix: String) -> [(source: String, id: String, type: String, event: String)] {
        keys.compactMap { key in
            guard let n = Int(key.split(separator: "-").last ?? "") else { return nil }
            let event = workload.order(n)
            return (event["source"]?.stringValue ?? "", prefix + (event["id"]?.stringValue ?? ""), event["type"]?.stringValue ?? "",
                    String(decoding: event.canonicalData(), as: UTF8.self))
        }
    }

    func runPeer(workload: SyntheticDistributor, reference: [JSONValue], orders: Int, dir: String) throws {
        let referencePath = dir + "/reference.json", ordersPath = dir + "/orders.json"
        try JSONValue.array(reference).canonicalData().write(to: URL(fileURLWithPath: referencePath))
        try JSONValue.array((0..<orders).map(workload.order)).canonicalData().write(to: URL(fileURLWithPath: ordersPath))
        struct Answer: Decodable { var instances: Int; var cases: Int; var engineSeconds: Double; var totalSeconds: Double }
        let data = try PeerRunner.run(python: peerPython, script: "spiff_routing.py", arguments: [referencePath, ordersPath, dir + "/spiff.db"], installs: "SpiffWorkflow")
        let a = try PeerRunner.decode(Answer.self, data, from: "spiff_routing.py")
        print("")
        print("SpiffWorkflow \(a.instances) orders, one instance each, one process: \(Int(Double(a.instances) / a.engineSeconds)) instances/s in the engine alone, "
              + "\(Int(Double(a.instances) / a.totalSeconds)) instances/s with each committed to SQLite; \(a.cases) orders routed to a queue")
    }
}
