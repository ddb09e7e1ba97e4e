import ClearwayHTTP
import ClearwaySimulator

extension EmbeddedServer.Running {
    /// The simulator's connection to this server, closed after `body`.
    func withConnection<T>(_ body: (ClearwayConnection) async throws -> T) async throws -> T {
        let connection = ClearwayConnection(baseURL: baseURL, integrationKey: integrationKey, agentKey: agentKey)
        do {
            let result = try await body(connection)
            await connection.shutdown()
            return result
        } catch {
            await connection.shutdown()
            throw error
        }
    }
}
