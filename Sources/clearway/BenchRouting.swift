import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayStore
import Foundation
import Logging

/// `clearway bench routing`: people pressing Get next at once until the pull queues are
/// empty, in-process against the engine (no HTTP). Reports claims per second, latency and
/// CPU per claim, beside a same-run reference: the bare write a claim needs (one UPDATE of
/// an exception's assignee in its own transaction).
struct BenchRouting: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "routing", abstract: "Measure Get next under contention.")

    @Option(help: "sqlite:PATH (default: a new temporary file) or postgres://… (needs --reset)") var database: String?
    @Flag(help: "Drop Clearway's tables first (required for PostgreSQL, which is not created fresh).") var reset = false
    @Option(help: "Orders to seed (about one in ten opens an exception).") var orders = 20_000
    @Option(help: "People pressing Get next at once.") var people = 8
    @Option(help: "Workload seed.") var seed: UInt64 = 42

    func validate() throws {
        guard (100...1_000_000).contains(orders) else { throw ValidationError("--orders must be 100…1000000") }
        guard (1...256).contains(people) else { throw ValidationError("--people must be 1…256") }
    }

    func run() async throws {
        let logger = makeLogger(level: .warning)
        let (db, location) = try await BenchDatabase.open(database, reset: reset, logger: logger)
        do {
            try await measure(db, location: location, logger: logger)
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    func measure(_ db: Database, location: DatabaseLocation, logger: Logger) async throws {
        try await db.migrate()
        var policy = try DefaultPolicy.load()
        policy.routing.defaultMode = .pull
        policy.routing.modes = [:]
        // Monday 09:00 in Chicago, so everyone is on shift.
        let clock = ManualClock(Instant(iso8601: "2026-11-23T15:00:00Z")!)
        let engine = ClearwayEngine(database: db, policy: policy, clock: clock, logger: logger)
        let workload = SyntheticDistributor(seed: seed)
        for events in [workload.referenceEvents(), (0..<orders).map { workload.order($0) }] {
            for chunk in stride(from: 0, to: events.count, by: 500) {
                let body = JSONValue.array(Array(events[chunk..<min(chunk + 500, events.count)])).canonicalData()
                _ = try await engine.ingest(try CloudEventCodec.decode(body: body, mode: .batch, policy: policy, receivedAt: clock.now()), actor: "bench")
            }
        }
        let admin = Principal(id: "bench", name: "bench", role: .admin)
        let names = (1...people).map { "person\($0)" }
        for name in names {
            _ = try await db.createUser(username: name, displayName: name, role: .agent, password: "bench-" + APIKeySecret.generate(), at: clock.now(),
                                        by: "bench", rounds: 1_000)
            try await engine.savePerson(PersonProfile(username: name, skills: Skills(queues: Set(policy.queues)), capacity: 100), by: admin)
        }
        let open = try await db.routableItems(RoutableFilter(unassigned: true, limit: 1_000_000), now: clock.now()).count
        print("database: \(location)   \(orders) orders, \(open) open unassigned exceptions, \(people) people pressing at once, capacity 100 each")

        var isPostgres = false
        if case .postgres = location { isPostgres = true }
        let cpuBefore = ProcessCPU.ownSeconds, serverBefore = isPostgres ? ProcessCPU.seconds(command: "postgres") : nil
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for name in names {
                group.addTask {
                    var mine: [Duration] = []
                    let who = Principal(id: "key-\(name)", name: name, role: .agent)
                    while true {
                        let t = ContinuousClock.now
                        guard case .claimed = try await engine.getNext(by: who) else { break }
                        mine.append(ContinuousClock.now - t)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }
        }
        let wall = Latency.seconds(ContinuousClock.now - start)
        let cpu = ProcessCPU.ownSeconds - cpuBefore
        let server = serverBefore.flatMap { b in ProcessCPU.seconds(command: "postgres").map { $0 - b } }
        let left = try await db.routableItems(RoutableFilter(unassigned: true, limit: 1_000_000), now: clock.now()).count

        // Reference: the bare write of a claim, one UPDATE per transaction, same concurrency.
        let ids = try await db.routableItems(RoutableFilter(assigned: true, limit: 1_000_000), now: clock.now()).map(\.exceptionId)
        let refStart = ContinuousClock.now, refCPU = ProcessCPU.ownSeconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in 0..<people {
                group.addTask {
                    for id in stride(from: p, to: ids.count, by: people).map({ ids[$0] }) {
                        try await db.transaction { tx in try await tx.benchmarkSetAssignee(id, to: "reference") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let refWall = Latency.seconds(ContinuousClock.now - refStart), refCPUUsed = ProcessCPU.ownSeconds - refCPU

        print("")
        print("| run | claims | claims/s | p50 ms | p99 ms | Clearway CPU ms per claim | database server CPU ms per claim |")
        print("|---|---|---|---|---|---|---|")
        let n = Double(max(1, latencies.count))
        print(String(format: "| Get next, %d people | %d | %.0f | %@ | %@ | %.2f | %@ |", people, latencies.count, Double(latencies.count) / wall,
                     Latency.percentile(latencies, 0.5), Latency.percentile(latencies, 0.99), cpu * 1000 / n,
                     server.map { String(format: "%.2f", $0 * 1000 / n) } ?? "in process"))
        print(String(format: "| reference: bare UPDATE per transaction | %d | %.0f | – | – | %.2f | – |", ids.count, Double(ids.count) / refWall,
                     refCPUUsed * 1000 / Double(max(1, ids.count))))
        print("")
        print("left unassigned after everyone pressed until told there was nothing: \(left)")
        if left > 0, latencies.isEmpty { throw CLIError.failure("Get next claimed nothing") }
    }
}
