import ClearwayCore
import ClearwayEngine
import Hummingbird
import Logging

/// Authenticates every request to `/v1/…` and `/metrics` with a bearer API key. Health
/// probes and the OpenAPI document stay open: orchestrators cannot send tokens and the
/// contract is public.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ClearwayRequestContext
    let authenticator: KeyAuthenticator
    let logger: Logger
    let throttle: FailedKeyThrottle
    let addresses: ClientAddresses

    static func isOpen(_ path: String) -> Bool {
        path == "/health/live" || path == "/health/ready" || path == "/openapi.yaml" || path == "/" || path == "/favicon.ico"
            // The console authenticates people with its own session cookie.
            || path == "/console" || path.hasPrefix("/console/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.isOpen(path) { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("Send Authorization: Bearer <api key>.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        // Access tokens from the identity provider are longer than API keys.
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].utf8.count <= 16_384 else {
            throw Problem.unauthorized("The Authorization header must be 'Bearer <api key>'.")
        }
        let now = authenticator.clock.now(), address = addresses.address(of: request, context: context)
        // In-process callers (tests) have no address and are not throttled.
        let throttled = context.remoteAddress != nil
        if throttled, let seconds = throttle.wait(for: address, at: now) {
            var problem = Problem(status: .tooManyRequests, title: "Too many unknown keys",
                                  detail: "This address sent too many unknown or revoked API keys; try again after \(seconds) s.", slug: "key-throttled")
            problem.retryAfter = seconds
            throw problem
        }
        let found: Principal?
        do { found = try await authenticator.principal(for: String(parts[1])) } catch let refused as KeyAuthenticator.TokenRefused {
            if throttled { throttle.recordFailure(from: address, at: now) }
            logger.notice("rejected access token", metadata: ["http.path": "\(path)", "client.address": "\(address)", "token.reason": "\(refused.reason)"])
            throw Problem.unauthorized("The access token is refused: \(refused.reason).")
        }
        guard let principal = found else {
            if throttled { throttle.recordFailure(from: address, at: now) }
            logger.notice("rejected API key", metadata: ["http.path": "\(path)", "client.address": "\(address)"])
            throw Problem.unauthorized("The API key is unknown or revoked.")
        }
        return try await RequestPrincipal.$current.withValue(principal) {
            try await next(request, context)
        }
    }
}
