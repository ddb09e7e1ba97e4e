import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import ServiceLifecycle

/// Builds the router: ops routes, hand-written ingestion and the generated API, behind
/// metrics, problem+json error mapping and authentication, in that order.
public func buildRouter(engine: ClearwayEngine, logger: Logger, addresses: ClientAddresses = ClientAddresses()) throws -> Router<ClearwayRequestContext> {
    let metrics = ClearwayMetrics()
    let router = Router(context: ClearwayRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(logger: logger))
    router.add(middleware: AuthMiddleware(authenticator: Authenticator(database: engine.database, clock: engine.clock), logger: logger, addresses: addresses))
    router.add(middleware: ContractMiddleware(contract: .served))
    OpsRoutes(engine: engine, metrics: metrics).register(on: router)
    ConsoleRoutes(engine: engine, logger: logger, addresses: addresses).register(on: router)
    let events = EventsRoute(engine: engine, metrics: metrics)
    router.post("/v1/events") { request, _ in try await events.handle(request) }
    let edi = EDIRoute(engine: engine)
    router.post("/v1/edi/x12") { request, _ in try await edi.x12(request) }
    router.post("/v1/edi/edifact") { request, _ in try await edi.edifact(request) }
    router.get("/v1/edi/outbound") { request, _ in try await edi.outbound(request) }
    try APIHandlers(engine: engine).registerHandlers(on: router)
    return router
}

/// What `clearway serve` needs to know.
public struct ServeConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var policy: Policy
    public var bootstrapToken: String?
    public var timerInterval: Duration
    /// How often the outbox is checked when it was empty.
    public var dispatchInterval: Duration
    /// Seals webhook signing secrets; every node of one database needs the same key.
    public var dataKey: DataKey
    /// Events waiting to be committed beyond which ingestion answers 429 with Retry-After.
    public var maxQueuedEvents = 50_000
    /// How long a connection may take to send a request head, counted from when it opens or
    /// its previous response ends; slower connections are closed.
    public var requestHeadTimeout: Duration = .seconds(10)
    /// Reverse proxies (addresses or ranges) whose `X-Forwarded-For` names the client.
    public var trustedProxies: [String] = []
    /// How long a connection may sit with nothing to read before it is closed.
    public var idleTimeout: Duration = .seconds(75)

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation, policy: Policy,
                bootstrapToken: String? = nil, timerInterval: Duration = .seconds(1), dispatchInterval: Duration = .milliseconds(250),
                dataKey: DataKey = .random()) {
        self.dataKey = dataKey
        self.host = host; self.port = port; self.database = database; self.policy = policy
        self.bootstrapToken = bootstrapToken; self.timerInterval = timerInterval; self.dispatchInterval = dispatchInterval
    }
}

/// Opens the database, applies migrations, makes sure an admin key exists and assembles
/// the HTTP server and the SLA timer service. `onAdminKey` receives a newly generated key
/// so the caller can show it once.
/// `onListening` receives the port once the server accepts connections (useful with port 0).
public func buildApplication(_ config: ServeConfiguration, logger: Logger, clock: any BusinessClock = SystemClock(),
                             sessionClock: (any BusinessClock)? = nil,
                             onAdminKey: @Sendable (AdminBootstrap.Outcome) -> Void = { _ in },
                             onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> (some ApplicationProtocol, ClearwayEngine) {
    let database = try await Database.open(config.database, logger: logger)
    try await database.migrate()
    onAdminKey(try await AdminBootstrap.ensureAdminKey(database: database, token: config.bootstrapToken, clock: clock))
    let engine = ClearwayEngine(database: database, policy: config.policy, clock: clock, dataKey: config.dataKey,
                                maxQueuedEvents: config.maxQueuedEvents, sessionClock: sessionClock, logger: logger)
    for (system, settings) in config.policy.actions.connectors {
        engine.connectors.register(system, connector: HTTPConnector(client: engine.outbound, settings: settings), settings: settings)
    }
    let router = try buildRouter(engine: engine, logger: logger, addresses: ClientAddresses(trustedProxies: config.trustedProxies))
    let headTimeout = TimeAmount.nanoseconds(Int64(config.requestHeadTimeout.components.seconds) * 1_000_000_000
                                             + config.requestHeadTimeout.components.attoseconds / 1_000_000_000)
    let idle = TimeAmount.seconds(config.idleTimeout.components.seconds)
    var app = Application(router: router,
                          server: .http1(configuration: .init(additionalChannelHandlers: [RequestHeadTimeout(timeout: headTimeout)], idleTimeout: idle)),
                          configuration: .init(address: .hostname(config.host, port: config.port), serverName: "clearway"),
                          onServerRunning: { channel in await onListening(channel.localAddress?.port ?? config.port) }, logger: logger)
    // The classifier serves from the first request; the refresh service follows other nodes.
    await engine.loadServingModel()
    app.addServices(SLATimerService(engine: engine, interval: config.timerInterval, logger: logger), ModelRefreshService(engine: engine),
                    OutboxDispatchService(dispatcher: OutboxDispatcher(engine: engine), interval: config.dispatchInterval, logger: logger),
                    ChangeListener(database: database, logger: logger), DatabaseCloser(database: database))
    return (app, engine)
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
