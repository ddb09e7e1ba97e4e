import ClearwayCore
import ClearwayHTTP
import ClearwayIntegration
import ClearwaySimulator
import AsyncHTTPClient
import Logging

extension EmbeddedServer.Running {
    /// The simulator's connection to this server, closed after `body`.
    func withConnection<T>(personKeys: [String: String] = [:], _ body: (ClearwayConnection) async throws -> T) async throws -> T {
        let connection = ClearwayConnection(baseURL: baseURL, integrationKey: integrationKey, agentKey: agentKey, approverKey: approverKey,
                                            personKeys: personKeys)
        do {
            let result = try await body(connection)
            await connection.shutdown()
            return result
        } catch {
            await connection.shutdown()
            throw error
        }
    }

    /// Starts the simulated systems' action endpoint, points this server's connectors for
    /// every system at it, and runs `body` with the simulator's connection and the ledger
    /// of actions the systems carried out.
    func withSimulatedSystems<T: Sendable>(faults: SourceSystemResponder.Faults = .init(), personKeys: [String: String] = [:], logger: Logger,
                                           _ body: (ClearwayConnection, ActionLedger) async throws -> T) async throws -> T {
        let responder = SourceSystemResponder(faults: faults)
        let running = self
        return try await responder.serve(logger: logger) { base in
            // The simulated systems answer on this machine's loopback address.
            running.engine.allowOutbound(["127.0.0.1"])
            for system in Set(ActionKind.allCases.map(\.system)) {
                let settings = ConnectorSettings(url: SourceSystemResponder.endpoint(base: base, system: system), timeoutSeconds: 5,
                                                 maxAttempts: 8, baseBackoffSeconds: 1, maxBackoffSeconds: 60)
                running.engine.connectors.register(system, connector: HTTPConnector(client: running.engine.outbound, settings: settings), settings: settings)
            }
            return try await running.withConnection(personKeys: personKeys) { connection in try await body(connection, responder.ledger) }
        }
    }
}
