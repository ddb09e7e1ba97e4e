import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayHTTP
import ClearwaySimulator
import ClearwayStore
import Foundation

/// Options that shape the simulated distributor.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Seed: the same seed gives the same company and the same history.") var seed: UInt64 = 7
    @Option(help: "Days of history to simulate.") var days = 90
    @Option(help: "Orders on an ordinary weekday.") var ordersPerDay = 300
    @Option(help: "Customers at the start (new ones arrive every few days).") var customers = 240
    @Option(help: "Products in the catalogue.") var products = 600
    @Option(help: "Order-desk agents the simulation puts on the backlog (0: nobody).") var agents = 2

    func validate() throws {
        guard (1...3_650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
        guard (1...100_000).contains(ordersPerDay) else { throw ValidationError("--orders-per-day must be between 1 and 100000") }
        guard (10...1_000_000).contains(customers) else { throw ValidationError("--customers must be between 10 and 1000000") }
        guard (50...1_000_000).contains(products) else { throw ValidationError("--products must be between 50 and 1000000") }
        guard (0...1_000).contains(agents) else { throw ValidationError("--agents must be between 0 and 1000") }
    }

    var settings: SimulationSettings {
        var s = SimulationSettings()
        s.seed = seed; s.days = days; s.ordersPerDay = ordersPerDay; s.customers = customers; s.products = products; s.agents = agents
        return s
    }
}

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the simulated distributor: backfill history into an embedded Clearway and report the exception mix, or stream to a running server.",
        discussion: """
            With --report, a Clearway server starts in this process on a temporary SQLite database, the simulation backfills \
            --days of history on a simulated clock through the public API, and the exception mix Clearway detected is printed \
            beside the calibration targets. Exit status 1 if a figure is outside its tolerance.

            With --url, the simulation streams to a running server instead, on the wall clock, starting today; \
            --key must be an integration key and --agent-key an agent key (or 0 agents).
            """)

    @OptionGroup var sim: SimulationOptions
    @Flag(help: "Backfill into an embedded Clearway and print the exception mix against its targets.") var report = false
    @Option(help: "With --report: the day the history ends, YYYY-MM-DD (default: today), so a run can be repeated exactly.") var until: String?
    @Option(help: "With --report: keep the backfilled history in this SQLite file (for `clearway insights … --database sqlite:PATH`).") var keepDatabase: String?
    @Option(help: "Base URL of a running Clearway server to stream to.") var url: String?
    @Option(help: "Integration API key for --url.") var key: String?
    @Option(help: "Agent API key for --url (the simulated order desk).") var agentKey: String?

    func validate() throws {
        guard report != (url != nil) else { throw ValidationError("give exactly one of --report or --url") }
        if url != nil, key == nil { throw ValidationError("--url needs --key (an integration key)") }
        if url != nil, sim.agents > 0, agentKey == nil { throw ValidationError("--url needs --agent-key, or --agents 0") }
    }

    func run() async throws {
        let logger = makeLogger(level: .warning)
        let world = DistributorWorld(settings: sim.settings)
        var today = LocalDate(Instant(Date()).iso8601.prefix(10).description) ?? LocalDate(year: 2026, month: 1, day: 1)
        if let until {
            guard let day = LocalDate(until) else { throw CLIError.badInput("--until \(until) is not a date (YYYY-MM-DD)") }
            today = day
        }
        if let url, let key {
            let connection = ClearwayConnection(baseURL: url, integrationKey: key, agentKey: agentKey ?? "")
            let simulation = Simulation(world: world, start: today, connection: connection)
            say("Streaming a simulated distributor to \(url) on the wall clock. Ctrl-C stops.")
            do {
                while !Task.isCancelled {
                    try await simulation.run(until: Instant(Date()), stepMinutes: 1, moveClock: { _ in })
                    try await Task.sleep(for: .seconds(5))
                }
            } catch let error as ConnectionError {
                throw CLIError.failure(error.description)
            }
            await connection.shutdown()
            return
        }
        if let keepDatabase, FileManager.default.fileExists(atPath: keepDatabase) {
            throw CLIError.badInput("\(keepDatabase) already exists; --keep-database writes a new history")
        }
        let path = keepDatabase ?? FileManager.default.temporaryDirectory.appendingPathComponent("clearway-sim-\(UUID().uuidString).db").path
        defer { if keepDatabase == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
        let start = today.adding(days: -sim.days)
        let clock = ManualClock(Instant(millis: Int64(start.dayNumber) * 86_400_000))
        let config = ServeConfiguration(port: 0, engine: EngineSetup(database: .sqlite(path: path), policy: try DefaultPolicy.load()),
                                        timerInterval: .seconds(3_600),
                                        dispatchInterval: .seconds(3_600))
        let began = Date()
        let days = sim.days
        let mix = try await EmbeddedServer.run(config, clock: clock, logger: logger) { running in
            try await running.withSimulatedSystems(logger: logger) { connection, ledger in
                let simulation = Simulation(world: world, start: start, connection: connection)
                simulation.actionLedger = ledger
                let end = Instant(millis: Int64(start.dayNumber + days) * 86_400_000)
                var lastDay = -1
                try await simulation.run(until: end, moveClock: EmbeddedServer.moveClock(running), progress: { t in
                    let day = Int(t.millis / 86_400_000) - start.dayNumber
                    if day != lastDay, day % 10 == 0 { lastDay = day; say("  day \(day) of \(days): \(simulation.stats.ordersCreated) orders") }
                })
                return try await MixReport.read(from: connection, stats: simulation.stats)
            }
        }
        guard let mix else { throw CLIError.failure("the embedded server stopped before the simulation finished") }
        say(String(format: "Simulated %d days in %.1f s.\n", days, Date().timeIntervalSince(began)))
        say(mix.text)
        if !mix.withinTolerance { throw CLIError.failure("the exception mix is outside its calibration targets (see above)") }
    }
}
