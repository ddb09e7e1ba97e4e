import ClearwayCore
import ClearwayStore
import Synchronization

/// Resolves a bearer token to a principal. Hits are cached for a few seconds so a busy
/// integration does not cost a query per request; a revocation anywhere empties the cache
/// at once (the store's `keyRevocations` signal, fed by other nodes over NOTIFY).
final class Authenticator: Sendable {
    let database: Database
    let clock: any BusinessClock
    let cacheSeconds: Double
    private let cache = Mutex<(revision: UInt64, keys: [String: (Principal, Instant)])>((0, [:]))

    init(database: Database, clock: any BusinessClock, cacheSeconds: Double = 5) {
        self.database = database; self.clock = clock; self.cacheSeconds = cacheSeconds
    }

    func principal(for token: String) async throws -> Principal? {
        let hash = APIKeySecret.hash(token)
        let now = clock.now()
        let revision = database.keyRevocations.version
        let cached = cache.withLock { c -> (Principal, Instant)? in
            if c.revision != revision { c = (revision, [:]) }
            return c.keys[hash]
        }
        if let (p, at) = cached, now.seconds(since: at) < cacheSeconds, now >= at { return p }
        guard let key = try await database.apiKey(secret: token) else {
            cache.withLock { _ = $0.keys.removeValue(forKey: hash) }
            return nil
        }
        let principal = key.principal
        cache.withLock { c in
            // A revocation while the key was read: do not cache what may be stale.
            guard c.revision == revision else { return }
            if c.keys.count > 10_000 { c.keys.removeAll() }
            c.keys[hash] = (principal, now)
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
