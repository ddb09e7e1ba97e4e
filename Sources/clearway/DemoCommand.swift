import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayHTTP
import ClearwayIntelligence
import ClearwaySimulator
import ClearwayStore
import Foundation

/// `clearway demo`: Clearway on an embedded SQLite database with a simulated distributor
/// feeding it, backfilled with history and then live, and a sign-in for every role.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Clearway with a simulated distributor: history backfilled, then a live stream, and the console to watch it in.",
        discussion: """
            Starts the server on a fresh SQLite file (--database-file, replaced on each run), prints the console address and \
            one sign-in per role, backfills --days of history on a simulated clock (the console is usable while it does), then \
            keeps the distributor running with simulated time passing --speed times faster than real time. Ctrl-C stops it.
            """)

    @OptionGroup var sim: SimulationOptions
    @OptionGroup var notify: NotificationOptions
    @Option(help: "Port for the console and API.") var port = 8080
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "SQLite file for the demo (replaced at start).") var databaseFile = "clearway-demo.db"
    @Option(help: "After the backfill, simulated seconds per real second.") var speed = 60.0
    @Option(help: "Simulated people on the order desk, each with skills and a capacity, working through Get next and push routing (0: nobody; the default leaves the desk short-handed so a backlog persists).")
    var staffing = 4
    @Flag(inversion: .prefixedNo, help: "Keep the distributor running after the backfill (--no-live: serve the history only).") var live = true
    @Option(help: "Labelled messages (columns utterance,intent) to train the message classifier on at start (repeat to combine); without them the rules read messages.")
    var classifierData = ["data/support/bitext-customer-service.csv", "data/distributor-requests.csv"]
    @OptionGroup var encoder: EncoderOption

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard speed > 0, speed <= 86_400 else { throw ValidationError("--speed must be above 0 and at most 86400") }
        guard (0...40).contains(staffing) else { throw ValidationError("--staffing must be between 0 and 40 people") }
    }

    func run() async throws {
        let logger = makeLogger(level: .warning)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databaseFile + suffix) }
        var chosen = sim.settings
        if sim.days == 90, sim.ordersPerDay == 300 { chosen.days = 21; chosen.ordersPerDay = 600 }  // a quick start unless asked otherwise
        chosen.staff = DeskPerson.desk(count: staffing)
        chosen.agents = 0  // the named desk replaces the anonymous one
        let settings = chosen
        let world = DistributorWorld(settings: settings)
        let wallNow = Instant(Date())
        let today = LocalDate(String(wallNow.iso8601.prefix(10))) ?? LocalDate(year: 2026, month: 1, day: 1)
        let start = today.adding(days: -settings.days)
        let clock = ManualClock(Instant(millis: Int64(start.dayNumber) * 86_400_000))
        var setup = EngineSetup(database: .sqlite(path: databaseFile), policy: try DefaultPolicy.load(),
                                bootstrapToken: try bootstrapTokenFromEnvironment())
        let tracing = try TracingSetup.fromEnvironment(queueSize: 65_536)
        if let tracing { setup.telemetry = tracing.telemetry; say(tracing.summary) }
        setup.sentenceEncoder = encoder.directory
        var config = ServeConfiguration(host: host, port: port, engine: setup)
        config.services = tracing.map { [$0.service] } ?? []
        let host = self.host, speed = self.speed, live = self.live, classifierData = self.classifierData
        let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
        _ = try notify.channels()  // bad mail settings stop the demo before it starts
        _ = try await EmbeddedServer.run(config, clock: clock, logger: logger) { running in
            let channels = try notify.channels(defaultPublicURL: "http://\(shownHost):\(running.port)")
            running.engine.configureNotifications(channels)
            let logins = try await Self.createDemoUsers(running.engine, at: clock.now())
            let personKeys = try await DemoStaff.create(settings.staff, engine: running.engine, at: clock.now())
            let classifier = await Self.serveClassifier(running.engine, data: classifierData)
            say("""

                Clearway demo: http://\(shownHost):\(running.port)/console

                Sign in as (one per role; passwords are new each run):
                \(logins.map { "    \($0.0.padding(toLength: 11, withPad: " ", startingAt: 0)) password \($0.1)" }.joined(separator: "\n"))

                \(classifier)
                \(channels.mail.map { "Notification mail goes to \($0.host):\($0.port) (each person is <username>@clearway-demo.test)." }
                    ?? "Notifications show in the console's bell; --smtp smtp://127.0.0.1:1025 sends them to a mail catcher too (docs/NOTIFICATIONS.md).")

                \(DemoStaff.summary(settings.staff))
                Backfilling \(settings.days) days of a simulated distributor (\(settings.customers) customers, about \(settings.ordersPerDay) orders a weekday)…
                """)
            // The simulated systems fail a few calls, as real ones do; deliveries retry.
            return try await running.withSimulatedSystems(faults: .init(failureRate: 0.03), personKeys: personKeys, logger: logger) { connection, ledger in
                let simulation = Simulation(world: world, start: start, connection: connection)
                simulation.actionLedger = ledger
                return try await Self.play(simulation, until: wallNow, move: EmbeddedServer.moveClock(running), days: settings.days, live: live, speed: speed,
                                           afterHistory: { say(await Self.serveBreachRisk(running.engine)) })
            }
        }
        say("Demo stopped. Its database is kept in \(databaseFile).")
    }

    /// Backfills to `until` with a progress line per day, then streams live (or just serves).
    static func play(_ simulation: Simulation, until wallNow: Instant, move: @escaping @Sendable (Instant) async throws -> Void,
                     days: Int, live: Bool, speed: Double, afterHistory: () async -> Void = {}) async throws -> Int {
        let startDay = Int(simulation.now.millis / 86_400_000)
        var lastShown = -1
        try await simulation.run(until: wallNow, moveClock: move, progress: { t in
            let day = Int(t.millis / 86_400_000) - startDay
            guard day != lastShown else { return }
            lastShown = day
            say("  day \(day) of \(days): \(simulation.stats.ordersCreated) orders, \(simulation.stats.eventsSent) events sent")
        })
        // Deliver what the last step decided, so the history is settled when it is declared in.
        try await move(simulation.now)
        await afterHistory()
        guard live else {
            say("History is in. Serving it without a live stream (--no-live). Ctrl-C stops the demo.")
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3_600)) }
            return 0
        }
        say("History is in. The distributor now runs live at \(Int(speed))× real time. Ctrl-C stops the demo.")
        var simulated = wallNow
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            simulated = simulated.adding(seconds: speed)
            try await simulation.run(until: simulated, stepMinutes: max(1, Int(speed / 60)), moveClock: move)
        }
        return 0
    }

    /// Trains the breach-risk model on the backfilled history. Below the policy's gate it is
    /// still put in service, with that reason in the audit log and the shortfall on its card,
    /// so the At risk page can be tried; a real deployment leaves that to an admin.
    static func serveBreachRisk(_ engine: ClearwayEngine) async -> String {
        let who = Principal(id: "demo", name: "Clearway demo", role: .admin)
        do {
            let trained = try await engine.trainBreachRisk(by: who, promote: true, reason: "demo: trained on the backfilled history")
            let m = trained.card.heldOut
            let figures = String(format: "measured on %d open exceptions: AUC %.3f, calibration error %.3f", m.n, m.auc, m.calibrationError)
            if trained.serving { return "Breach risk: version \(trained.stored.version) serves (\(figures)); see /console/at-risk." }
            try await engine.promoteBreachRisk(version: trained.stored.version, by: who,
                                               reason: "demo: shown although below the gate (" + trained.belowGate.joined(separator: "; ") + ")")
            return "Breach risk: version \(trained.stored.version) serves for the demo although below the policy's gate (\(figures)); "
                + "its card on /console/at-risk says why."
        } catch {
            return "Breach risk: no model yet (\(error)); the server retrains daily."
        }
    }

    /// Trains the message classifier on the public corpus and puts it in service, so the
    /// demo's customer e-mails are read by the model; says what it did.
    static func serveClassifier(_ engine: ClearwayEngine, data: [String]) async -> String {
        let data = data.filter { FileManager.default.fileExists(atPath: $0) }
        guard !data.isEmpty else { return "Message classifier: no training data found; customer messages are read by the rules." }
        let encoder = engine.messageReader.encoder
        let reads = encoder == nil
            ? "TF-IDF alone, as \(engine.messageReader.health.encoderProblem ?? "no sentence encoder is loaded")"
            : "TF-IDF and \(EncoderFiles.name) sentence vectors"
        do {
            let (bytes, metadata) = try ModelFiles.train(data: data, text: "utterance", label: "intent", holdout: 0.2, seed: 20_261_122,
                                                         encoder: encoder)
            let who = Principal(id: "demo", name: "Clearway demo", role: .admin)
            let stored = try await engine.registerModel(bytes, by: who)
            let problems = try await engine.promoteIfQualified(version: stored.version, by: who,
                                                              reason: "demo: trained on the public customer-service corpus")
            guard problems.isEmpty else {
                return "Message classifier: version \(stored.version) is not put in service, as it is below the policy's quality gate ("
                    + problems.joined(separator: "; ") + "); customer messages are read by the rules. An admin may still promote it on /console/models."
            }
            return String(format: "Message classifier: version %d serves, trained on %d messages (held-out macro-F1 %.3f); it reads with %@; see /console/models.",
                          stored.version, metadata.summary.examples, metadata.evaluation?.macroF1 ?? 0, reads)
        } catch {
            return "Message classifier: not trained (\(error)); customer messages are read by the rules."
        }
    }

    /// One sign-in per person-facing role, each with a fresh random password and an e-mail
    /// address at the demo's own domain.
    static func createDemoUsers(_ engine: ClearwayEngine, at now: Instant) async throws -> [(String, String)] {
        let database = engine.database
        let people: [(String, String, Role)] = [
            ("agent", "Alex Agent", .agent), ("approver", "Pat Approver", .approver), ("supervisor", "Sam Supervisor", .supervisor),
            ("viewer", "Vic Viewer", .viewer), ("admin", "Ada Admin", .admin),
        ]
        var logins: [(String, String)] = []
        for (username, name, role) in people {
            let password = "demo-" + APIKeySecret.generate().dropFirst(3).prefix(10)
            _ = try await database.createUser(username: username, displayName: name, role: role, password: password, at: now, by: "system:demo", rounds: 20_000)
            try await database.saveNotificationPreferences(NotificationPreferences(email: "\(username)@clearway-demo.test"), for: username,
                                                           key: engine.dataKey, actor: "system:demo", at: now)
            logins.append((username, password))
        }
        return logins
    }
}
