import ClearwayCore
import Hummingbird
import Logging

/// Authenticates every request to `/v1/…` and `/metrics` with a bearer API key. Health
/// probes and the OpenAPI document stay open: orchestrators cannot send tokens and the
/// contract is public.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: Authenticator
    let logger: Logger

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
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 512 else {
            throw Problem.unauthorized("The Authorization header must be 'Bearer <api key>'.")
        }
        guard let principal = try await authenticator.principal(for: String(parts[1])) else {
            logger.notice("rejected API key", metadata: ["http.path": "\(path)"])
            throw Problem.unauthorized("The API key is unknown or revoked.")
        }
        return try await RequestPrincipal.$current.withValue(principal) {
            try await next(request, context)
        }
    }
}
