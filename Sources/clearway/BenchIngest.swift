import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayStore
import Foundation

/// `clearway bench ingest`: drives the real pipeline in-process (CloudEvents decode and
/// validation, then the engine's transaction: inbox, detection, cases, timers, audit) with
/// a seeded distributor's orders, about 1 in 10 with an exception. HTTP framing is not
/// included; bodies are serialised before timing so the client's cost is not counted.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Measure ingestion throughput and latency.")

    @Option(help: "sqlite:PATH (default: a new temporary file) or postgres://… (needs --reset)") var database: String?
    @Flag(help: "Drop Clearway's tables first (required for PostgreSQL, which is not created fresh).") var reset = false
    @Option(help: "Orders sent one event per request.") var singleOrders = 4_000
    @Option(help: "Orders sent in batches.") var batchOrders = 20_000
    @Option(help: "Events per batch request.") var batchSize = 100
    @Option(help: "Concurrent clients.") var concurrency = 8
    @Option(help: "Workload seed.") var seed: UInt64 = 42

    func validate() throws {
        guard singleOrders >= 0, batchOrders >= 0, singleOrders + batchOrders > 0 else { throw ValidationError("send at least one order") }
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be 1…1000") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1…256") }
    }

    func run() async throws {
        let logger = makeLogger(level: .warning)
        let (db, location) = try await BenchDatabase.open(database, reset: reset, logger: logger)
        try await db.migrate()
        let engine = ClearwayEngine(database: db, policy: try DefaultPolicy.load(), logger: logger)
        let workload = SyntheticDistributor(seed: seed)

        let refStart = ContinuousClock.now
        let reference = workload.referenceEvents()
        for chunk in stride(from: 0, to: reference.count, by: 500) {
            let body = JSONValue.array(Array(reference[chunk..<min(chunk + 500, reference.count)])).canonicalData()
            _ = try await ingest(engine, body, mode: .batch)
        }
        print("reference data: \(reference.count) events in \(fmt(ContinuousClock.now - refStart))")
        print("database: \(location)   workload seed \(seed), exception rate \(workload.exceptionRate)")
        print("")
        print("| mode | events | requests | concurrency | events/s | p50 ms | p99 ms | p999 ms |")
        print("|---|---|---|---|---|---|---|---|")

        if singleOrders > 0 {
            let bodies = (0..<singleOrders).map { workload.order($0).canonicalData() }
            let r = try await drive(engine, bodies: bodies, mode: .single, eventsPerRequest: 1)
            print(r.row("single"))
        }
        if batchOrders > 0 {
            let bodies = stride(from: singleOrders, to: singleOrders + batchOrders, by: batchSize).map { start in
                JSONValue.array((start..<min(start + batchSize, singleOrders + batchOrders)).map { workload.order($0) }).canonicalData()
            }
            let r = try await drive(engine, bodies: bodies, mode: .batch, eventsPerRequest: batchSize)
            print(r.row("batch of \(batchSize)"))
        }
        let kpis = try await engine.headlineKPIs(by: .localOperator("clearway bench"))
        print("")
        print("orders with an exception: \(kpis.backlogOpen) of \(singleOrders + batchOrders) (\(String(format: "%.1f", Double(kpis.backlogOpen) / Double(singleOrders + batchOrders) * 100))%)")
        await db.close()
        if database == nil, case .sqlite(let path) = location {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    struct Result {
        var events: Int, requests: Int, concurrency: Int, elapsed: Duration, latencies: [Duration]
        func row(_ mode: String) -> String {
            let pct = { Latency.percentile(latencies, $0) }
            return "| \(mode) | \(events) | \(requests) | \(concurrency) | \(Int(Double(events) / Latency.seconds(elapsed))) | \(pct(0.5)) | \(pct(0.99)) | \(pct(0.999)) |"
        }
    }

    func drive(_ engine: ClearwayEngine, bodies: [Data], mode: CloudEventCodec.Mode, eventsPerRequest: Int) async throws -> Result {
        let start = ContinuousClock.now
        let perWorker = (bodies.count + concurrency - 1) / concurrency
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for w in 0..<concurrency {
                let slice = Array(bodies[min(bodies.count, w * perWorker)..<min(bodies.count, (w + 1) * perWorker)])
                group.addTask {
                    var own: [Duration] = []
                    for body in slice {
                        let t = ContinuousClock.now
                        _ = try await ingest(engine, body, mode: mode)
                        own.append(ContinuousClock.now - t)
                    }
                    return own
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all
        }
        let events = mode == .single ? bodies.count : bodies.count * eventsPerRequest
        return Result(events: events, requests: bodies.count, concurrency: concurrency, elapsed: ContinuousClock.now - start, latencies: latencies)
    }

    func ingest(_ engine: ClearwayEngine, _ body: Data, mode: CloudEventCodec.Mode) async throws -> [IngestOutcome] {
        let events = try CloudEventCodec.decode(body: body, mode: mode, policy: engine.policy, receivedAt: engine.clock.now())
        return try await engine.ingest(events, actor: "bench")
    }

    func fmt(_ d: Duration) -> String { String(format: "%.2f s", Latency.seconds(d)) }
}
