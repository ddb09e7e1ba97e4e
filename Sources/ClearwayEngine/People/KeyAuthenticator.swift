import ClearwayCore
import ClearwayStore
import Synchronization

/// Resolves a bearer token to a principal. Hits are cached for a few seconds so a busy
/// integration does not cost a query per request; a revocation anywhere empties the cache
/// at once (the store's `keyRevocations` signal, fed by other nodes over NOTIFY).
public final class KeyAuthenticator: Sendable {
    let database: Database
    public let clock: any BusinessClock
    let cacheSeconds: Double
    private let cache = Mutex<(revision: UInt64, keys: [String: (Principal, Instant)])>((0, [:]))

    public init(database: Database, clock: any BusinessClock, cacheSeconds: Double = 5) {
        self.database = database; self.clock = clock; self.cacheSeconds = cacheSeconds
    }

    public convenience init(engine: ClearwayEngine) {
        self.init(database: engine.database, clock: engine.clock)
    }

    public func principal(for token: String) async throws -> Principal? {
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
