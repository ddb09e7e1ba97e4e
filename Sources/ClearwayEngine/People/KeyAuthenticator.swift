import ClearwayCore
import ClearwayIntegration
import ClearwayStore
import Synchronization

/// Resolves a bearer token to a principal. Hits are cached for a few seconds so a busy
/// integration does not cost a query per request; a revocation anywhere empties the cache
/// at once (the store's `keyRevocations` signal, fed by other nodes over NOTIFY).
public final class KeyAuthenticator: Sendable {
    let database: Database
    public let clock: any BusinessClock
    let cacheSeconds: Double
    /// Checks the identity provider's access tokens, when the API takes them.
    let accessTokens: (@Sendable (String) async throws -> Result<Principal, OpenIDProvider.Failure>?)?
    private let cache = Mutex<(revision: UInt64, keys: [String: (Principal, Instant)])>((0, [:]))

    public init(database: Database, clock: any BusinessClock, cacheSeconds: Double = 5,
                accessTokens: (@Sendable (String) async throws -> Result<Principal, OpenIDProvider.Failure>?)? = nil) {
        self.database = database; self.clock = clock; self.cacheSeconds = cacheSeconds; self.accessTokens = accessTokens
    }

    public convenience init(engine: ClearwayEngine) {
        var check: (@Sendable (String) async throws -> Result<Principal, OpenIDProvider.Failure>?)?
        if engine.singleSignOn?.settings.apiAudience != nil { check = { try await engine.accessTokenPrincipal($0) } }
        self.init(database: engine.database, clock: engine.clock, accessTokens: check)
    }

    /// An access token the identity provider signed was refused, and why.
    public struct TokenRefused: Error, Sendable {
        public let reason: String
    }

    public func principal(for token: String) async throws -> Principal? {
        // A JWT (three dot-separated parts) is the identity provider's access token; API
        // keys never contain dots.
        if let accessTokens, token.utf8.count > 40, token.split(separator: ".", omittingEmptySubsequences: false).count == 3 {
            switch try await accessTokens(token) {
            case .success(let principal)?: return principal
            case .failure(let failure)?: throw TokenRefused(reason: failure.description)
            case nil: return nil
            }
        }
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
