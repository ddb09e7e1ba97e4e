import ClearwayCore

/// One delivery to a source system: the action as JSON and the key that makes a repeat
/// harmless (the same key is sent on every attempt).
public struct ActionDelivery: Sendable, Hashable {
    public var actionId: String
    public var idempotencyKey: String
    public var payload: JSONValue

    public init(actionId: String, idempotencyKey: String, payload: JSONValue) {
        self.actionId = actionId; self.idempotencyKey = idempotencyKey; self.payload = payload
    }
}

/// What a source system said about one delivery.
public enum DeliveryOutcome: Sendable, Hashable {
    /// Done; `detail` is the system's answer (kept on the action).
    case applied(detail: JSONValue?)
    /// Taken; the result will arrive later as a `clearway.action.result.v1` event.
    case accepted(detail: JSONValue?)
    /// The system will not do it; the reason goes back to the people who own the exception.
    case refused(reason: String)
    /// Not known to have happened (timeout, connection error, 5xx, 429): try again later.
    case retryable(reason: String)
}

/// Carries actions to one source system.
public protocol ActionConnector: Sendable {
    func deliver(_ delivery: ActionDelivery) async -> DeliveryOutcome
}
