import ClearwayCore

/// Errors the engine reports to callers. Each has a stable code; the HTTP layer maps them
/// to problem+json in one place.
public enum EngineError: Error, Sendable, Equatable {
    case notFound(what: String, id: String)
    /// The request is valid but conflicts with the current state (e.g. resolving a closed exception).
    case conflict(String)
    case forbidden(String)
    case invalid(field: String, detail: String)
    /// Several fields are wrong at once; each is named.
    case invalidFields([FieldProblem])
    /// The action's guardrails failed; each failed check says why.
    case blocked(action: String, checks: [GuardrailCheck])
    /// Too much is already waiting to be committed: try again after the given seconds.
    case saturated(retryAfterSeconds: Int)
}

extension ClearwayEngine {
    /// The engine's one authorization check: every command calls it for the permission it
    /// needs, whoever calls the command (API, console, command line).
    public func authorize(_ principal: Principal, _ permission: Permission) throws {
        if let refusal = principal.refusal(permission) { throw EngineError.forbidden(refusal) }
    }
}
