import Hummingbird
import Logging

/// Serves a router on 127.0.0.1 at an ephemeral port for as long as `body` runs, which gets
/// the base URL: the simulated source systems, and the peers tests stand up beside Clearway.
public enum LoopbackServer {
    public static func serve<Builder: HTTPResponderBuilder, T: Sendable>(
        _ router: Builder, name: String, logger: Logger? = nil, _ body: (String) async throws -> T
    ) async throws -> T where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let logger = logger ?? {
            var quiet = Logger(label: name)
            quiet.logLevel = .critical
            return quiet
        }()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0); continuation.finish() }, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []); return nil }
            var port = 0
            for await p in ports { port = p }
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        }
    }
}
