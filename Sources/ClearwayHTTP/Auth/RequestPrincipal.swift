import ClearwayCore
import ClearwayEngine

/// The principal of the request being handled. Generated OpenAPI handlers have no request
/// context parameter, so the auth middleware binds it for the duration of the request.
enum RequestPrincipal {
    @TaskLocal static var current: Principal?

    /// The caller, refused at once (401 or 403) when it is unknown or its role lacks
    /// `permission`. The decision is the engine's own rule (`Principal.refusal`), which
    /// every engine command applies again whoever calls it; checking here first only
    /// answers a refused caller before its request body is read or validated.
    static func require(_ permission: Permission) throws -> Principal {
        guard let principal = current else { throw Problem.unauthorized("Send Authorization: Bearer <api key>.") }
        if let refusal = principal.refusal(permission) { throw EngineError.forbidden(refusal) }
        return principal
    }
}
