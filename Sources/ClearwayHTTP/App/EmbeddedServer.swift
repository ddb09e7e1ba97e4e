import ClearwayCore
import ClearwayEngine
import ClearwayHTTP
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// A Clearway server in this process on a clock that a simulation moves, with API keys
/// for the simulated source systems and order desk. Used by `demo`, `simulate --report`
/// and the browser test.
public enum EmbeddedServer {
    public struct Running: Sendable {
        public var engine: ClearwayEngine
        public var port: Int
        public var clock: ManualClock
        /// Keys for whoever plays the source systems (integration) and the order desk (agent).
        public var integrationKey: String
        public var agentKey: String
        /// A credit approver's key for the simulated credit analyst.
        public var approverKey: String
        public var baseURL: String { "http://127.0.0.1:\(port)" }
    }

    /// Starts the server, runs `body`, then shuts the server down. If the server stops
    /// first (Ctrl-C), `body` is cancelled.
    public static func run<T: Sendable>(_ config: ServeConfiguration, clock: ManualClock, logger: Logger,
                                 body: @escaping @Sendable (Running) async throws -> T) async throws -> T? {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        // People sign in on real time: the simulation moves the business clock by days.
        let (app, engine) = try await buildApplication(config, logger: logger, clock: clock, sessionClock: SystemClock(),
                                                       onListening: { portContinuation.yield($0); portContinuation.finish() })
        let integration = try await engine.issueAPIKey(name: "simulated source systems", role: .integration, actor: "system:demo").secret
        let agent = try await engine.issueAPIKey(name: "simulated order desk", role: .agent, actor: "system:demo").secret
        let approver = try await engine.issueAPIKey(name: "simulated credit analyst", role: .creditApprover, actor: "system:demo").secret
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        return try await withThrowingTaskGroup(of: Ended<T>.self) { group in
            group.addTask { try await services.run(); return .server }
            group.addTask {
                var port = config.port
                for await p in portStream { port = p }
                return .body(try await body(Running(engine: engine, port: port, clock: clock, integrationKey: integration, agentKey: agent,
                                                          approverKey: approver)))
            }
            // Whichever ends first: the body (then stop the server gracefully) or the server
            // (Ctrl-C: then stop the body).
            switch try await group.next() {
            case .body(let result)?:
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            default:
                group.cancelAll()
                return nil
            }
        }
    }

    enum Ended<T: Sendable>: Sendable {
        case server
        case body(T)
    }

    /// Moves the embedded clock, lets due SLA timers fire at that simulated moment and
    /// delivers the outbox, so a backfill plays out the same way on every run.
    public static func moveClock(_ running: Running) -> @Sendable (Instant) async throws -> Void {
        let dispatcher = OutboxDispatcher(engine: running.engine)
        return { instant in
            running.clock.set(instant)
            _ = try await running.engine.fireDueTimers()
            try await running.engine.routeWork()
            while try await dispatcher.dispatchOnce() > 0 {}
        }
    }
}
