import ClearwayCore
import ClearwayStore

/// The first admin key. If the database has no keys yet, one is created: from
/// `CLEARWAY_BOOTSTRAP_TOKEN` when set, otherwise generated and returned so the caller
/// prints it once. It is never stored in clear.
public enum AdminBootstrap {
    public enum Outcome: Sendable, Equatable {
        case keysExist
        case createdFromToken
        case generated(secret: String)
    }

    public static func ensureAdminKey(database: Database, token: String?, clock: any BusinessClock) async throws -> Outcome {
        guard try await database.apiKeyCount() == 0 else { return .keysExist }
        if let token, !token.isEmpty {
            // The token becomes a permanent admin key: it must be as hard to guess as one.
            if let problem = SecretStrength.tokenProblem(token) { throw WeakBootstrapToken(problem: problem) }
            _ = try await database.createAPIKey(name: "bootstrap-admin", role: .admin, secret: token, at: clock.now(),
                                                by: "system:bootstrap (CLEARWAY_BOOTSTRAP_TOKEN)")
            return .createdFromToken
        }
        let secret = APIKeySecret.generate()
        _ = try await database.createAPIKey(name: "bootstrap-admin", role: .admin, secret: secret, at: clock.now(), by: "system:bootstrap (generated)")
        return .generated(secret: secret)
    }
}

/// CLEARWAY_BOOTSTRAP_TOKEN is too weak to become an admin key.
public struct WeakBootstrapToken: Error, Sendable, CustomStringConvertible {
    public let problem: String
    public var description: String { "CLEARWAY_BOOTSTRAP_TOKEN is refused: \(problem)" }
}
