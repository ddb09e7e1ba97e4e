import ClearwayCore
import ClearwayIntegration
import ClearwayIntelligence
import ClearwayStore
import Logging
import ServiceLifecycle

/// What a node needs to run the engine: where the data lives, the policy, the key that
/// seals secrets and the admission limit. The server and the command line hand it over
/// unopened; the engine opens it.
public struct EngineSetup: Sendable {
    public var database: DatabaseLocation
    public var policy: Policy
    /// Seals webhook signing secrets; every node of one database needs the same key.
    public var dataKey: DataKey
    /// Creates the first admin key from this secret on a new database.
    public var bootstrapToken: String?
    /// Events waiting to be committed beyond which ingestion answers 429 with Retry-After.
    public var maxQueuedEvents = 50_000
    /// The mail server and public address notifications are sent with (none: console only).
    public var notificationChannels = NotificationChannels()
    /// Where spans go (off: none are made; incoming trace contexts are still passed on).
    public var telemetry = Telemetry.off
    /// Sign-in through an OpenID Connect provider (nil: local passwords and API keys only).
    public var singleSignOn: SingleSignOnSettings?
    /// Folder of the sentence encoder's weights the message reader uses beside TF-IDF (nil:
    /// TF-IDF alone). Missing or refused weights are a warning on the Models page, not an error.
    public var sentenceEncoder: String?

    public init(database: DatabaseLocation, policy: Policy, dataKey: DataKey = .random(), bootstrapToken: String? = nil) {
        self.database = database; self.policy = policy; self.dataKey = dataKey; self.bootstrapToken = bootstrapToken
    }
}

extension ClearwayEngine {
    /// Opens the database, applies migrations, makes sure an admin key exists (a newly
    /// generated one goes to `onAdminKey`, to be shown once) and registers a connector for
    /// each system the policy names.
    public static func open(_ setup: EngineSetup, clock: any BusinessClock = SystemClock(), sessionClock: (any BusinessClock)? = nil,
                            logger: Logger, onAdminKey: (AdminBootstrap.Outcome) -> Void = { _ in }) async throws -> ClearwayEngine {
        let database = try await Database.open(setup.database, logger: logger)
        do {
            try await database.migrate()
            onAdminKey(try await AdminBootstrap.ensureAdminKey(database: database, token: setup.bootstrapToken, clock: clock))
        } catch {
            await database.close()
            throw error
        }
        let engine = ClearwayEngine(database: database, policy: setup.policy, clock: clock, dataKey: setup.dataKey,
                                    maxQueuedEvents: setup.maxQueuedEvents, sessionClock: sessionClock, telemetry: setup.telemetry,
                                    singleSignOn: setup.singleSignOn.map { SingleSignOn($0) },
                                    logger: logger)
        engine.configureNotifications(setup.notificationChannels)
        for (system, settings) in setup.policy.actions.connectors {
            engine.connectors.register(system, connector: HTTPConnector(client: engine.outbound, settings: settings), settings: settings)
        }
        if let directory = setup.sentenceEncoder {
            if let problem = engine.messageReader.loadEncoder(from: directory) {
                logger.warning("sentence encoder unavailable; messages are read with TF-IDF alone", metadata: ["reason": "\(problem)"])
            } else {
                logger.info("sentence encoder loaded", metadata: ["encoder": "\(EncoderFiles.name)", "arithmetic": "\(engine.messageReader.encoder?.arithmetic ?? "")"])
            }
        }
        await engine.loadServingModel()
        await engine.loadServingBreachRisk()
        return engine
    }

    /// The node's background work beside the server: SLA timers, model refresh, outbox
    /// delivery, other nodes' change notices, and closing the database at shutdown.
    /// `ticker` paces the periodic ones (the wall clock unless a test steps it).
    public func services(timerInterval: Duration, dispatchInterval: Duration, logger: Logger, ticker: any Ticker = WallTicker()) -> [any Service] {
        [SLATimerService(engine: self, interval: timerInterval, logger: logger, ticker: ticker), ModelRefreshService(engine: self, ticker: ticker),
         OutboxDispatchService(dispatcher: OutboxDispatcher(engine: self), interval: dispatchInterval, logger: logger, ticker: ticker),
         ChangeListener(database: database, logger: logger), DatabaseCloser(database: database)]
    }
}

/// Hears other nodes' commits (PostgreSQL LISTEN) so live consoles on this node update at
/// once; reconnects after a lost connection. Nothing to do on SQLite.
struct ChangeListener: Service {
    let database: Database
    let logger: Logger
    func run() async throws {
        // A service that returns ends the whole group: on SQLite there is nothing to
        // listen to, so wait for shutdown like the other services.
        guard case .postgres = database.location else { try? await gracefulShutdown(); return }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await database.listenForChanges() } catch {
                    if Task.isCancelled { return }
                    logger.warning("listening for other nodes' changes failed; retrying", metadata: ["error": "\(String(describing: type(of: error)))"])
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
        try? await gracefulShutdown()
    }
}

/// Closes the database when the service group shuts down.
struct DatabaseCloser: Service {
    let database: Database
    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}
