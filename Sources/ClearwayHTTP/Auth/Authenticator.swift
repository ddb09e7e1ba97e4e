import ClearwayCore
import ClearwayStore
import Synchronization

/// Resolves a bearer token to a principal. Hits are cached for a few seconds so a busy
/// integration does not cost a query per request; a revoked key stops working within
/// that window.
final class Authenticator: Sendable {
    let database: Database
    let clock: any BusinessClock
    let cacheSeconds: Double
    private let cache = Mutex<[String: (Principal, Instant)]>([:])

    init(database: Database, clock: any BusinessClock, cacheSeconds: Double = 5) {
        self.database = database; self.clock = clock; self.cacheSeconds = cacheSeconds
    }

    func principal(for token: String) async throws -> Principal? {
        let hash = APIKeySecret.hash(token)
        let now = clock.now()
        if let (p, at) = cache.withLock({ $0[hash] }), now.seconds(since: at) < cacheSeconds, now >= at { return p }
        guard let key = try await database.apiKey(secret: token) else {
            cache.withLock { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        let principal = Principal(id: key.id, name: key.name, role: key.role)
        cache.withLock { c in
            if c.count > 10_000 { c.removeAll() }
            c[hash] = (principal, now)
        }
        return principal
    }
}

/// The principal of the request being handled. Generated OpenAPI handlers have no request
/// context parameter, so the auth middleware binds it for the duration of the request.
enum RequestPrincipal {
    @TaskLocal static var current: Principal?

    /// The caller, if its role has `permission`; otherwise a 401 or 403 problem.
    static func require(_ permission: Permission) throws -> Principal {
        guard let principal = current else { throw Problem.unauthorized("Send Authorization: Bearer <api key>.") }
        guard principal.role.allows(permission) else {
            throw Problem.forbidden("Role \(principal.role.rawValue) may not \(permission.phrase).")
        }
        return principal
    }
}

extension Permission {
    var phrase: String {
        switch self {
        case .readCases: "read cases and queues"
        case .readMetrics: "read metrics"
        case .workExceptions: "work on exceptions"
        case .assignOthers: "assign exceptions to others"
        case .approveActions: "approve actions"
        case .ingestEvents: "send events"
        case .readDeadLetters: "read dead letters"
        case .replayDeadLetters: "replay dead letters"
        case .manageKeys: "manage API keys"
        case .overridePolicy: "override policy"
        case .manageModels: "change which model serves"
        }
    }
}
