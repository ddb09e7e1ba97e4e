import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import ServiceLifecycle

/// Builds the router: ops routes, hand-written ingestion and the generated API, behind
/// tracing, metrics, problem+json error mapping and authentication, in that order.
public func buildRouter(engine: ClearwayEngine, logger: Logger, addresses: ClientAddresses = ClientAddresses(),
                        failedKeyLimit: Int = 20) throws -> Router<ClearwayRequestContext> {
    let metrics = ClearwayMetrics()
    let router = Router(context: ClearwayRequestContext.self)
    router.add(middleware: TraceMiddleware(telemetry: engine.telemetry))
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(logger: logger))
    router.add(middleware: AuthMiddleware(authenticator: KeyAuthenticator(engine: engine), logger: logger,
                                                throttle: FailedKeyThrottle(limit: failedKeyLimit), addresses: addresses))
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
    /// The engine this server fronts (database, policy, data key, admission limit).
    public var engine: EngineSetup
    public var timerInterval: Duration
    /// How often the outbox is checked when it was empty.
    public var dispatchInterval: Duration
    /// How long a connection may take to send a request head, counted from when it opens or
    /// its previous response ends; slower connections are closed.
    public var requestHeadTimeout: Duration = .seconds(10)
    /// Reverse proxies (addresses or ranges) whose `X-Forwarded-For` names the client.
    public var trustedProxies: [String] = []
    /// How long a connection may sit with nothing to read before it is closed.
    public var idleTimeout: Duration = .seconds(75)
    /// Unknown or revoked API keys one client address may send in a minute before it is
    /// answered 429 for the rest of that minute.
    public var failedKeyLimit = 20
    /// More services to run beside the server (the span exporter when tracing is on).
    public var services: [any Service] = []

    public init(host: String = "127.0.0.1", port: Int = 8080, engine: EngineSetup,
                timerInterval: Duration = .seconds(1), dispatchInterval: Duration = .milliseconds(250)) {
        self.host = host; self.port = port; self.engine = engine
        self.timerInterval = timerInterval; self.dispatchInterval = dispatchInterval
    }
}

/// Opens the engine (database, migrations, first admin key) and assembles the HTTP server
/// with the engine's background services. `onAdminKey` receives a newly generated key
/// so the caller can show it once.
/// `onListening` receives the port once the server accepts connections (useful with port 0).
public func buildApplication(_ config: ServeConfiguration, logger: Logger, clock: any BusinessClock = SystemClock(),
                             sessionClock: (any BusinessClock)? = nil,
                             onAdminKey: @Sendable (AdminBootstrap.Outcome) -> Void = { _ in },
                             onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> (some ApplicationProtocol, ClearwayEngine) {
    let engine = try await ClearwayEngine.open(config.engine, clock: clock, sessionClock: sessionClock, logger: logger, onAdminKey: onAdminKey)
    let router = try buildRouter(engine: engine, logger: logger, addresses: ClientAddresses(trustedProxies: config.trustedProxies),
                                 failedKeyLimit: config.failedKeyLimit)
    let headTimeout = TimeAmount.nanoseconds(Int64(config.requestHeadTimeout.components.seconds) * 1_000_000_000
                                             + config.requestHeadTimeout.components.attoseconds / 1_000_000_000)
    let idle = TimeAmount.seconds(config.idleTimeout.components.seconds)
    var app = Application(router: router,
                          server: .http1(configuration: .init(additionalChannelHandlers: [RequestHeadTimeout(timeout: headTimeout)], idleTimeout: idle)),
                          configuration: .init(address: .hostname(config.host, port: config.port), serverName: "clearway"),
                          onServerRunning: { channel in await onListening(channel.localAddress?.port ?? config.port) }, logger: logger)
    app.addServices(engine.services(timerInterval: config.timerInterval, dispatchInterval: config.dispatchInterval, logger: logger))
    app.addServices(config.services)
    return (app, engine)
}
