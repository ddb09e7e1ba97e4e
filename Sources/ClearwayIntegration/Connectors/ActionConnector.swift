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

/// What a connector heard from the system: the delivery lifecycle's answer (`Delivery.Answer`
/// in Core): applied, accepted (result later as `clearway.action.result.v1`), refused, or
/// retryable (timeout, connection error, 5xx, 429).
public typealias DeliveryOutcome = Delivery.Answer

/// Carries actions to one source system.
public protocol ActionConnector: Sendable {
    func deliver(_ delivery: ActionDelivery) async -> DeliveryOutcome
}
