/// One delivery in the outbox: an action to a source system's connector, or a change to a
/// webhook subscriber. Written in the same transaction as the decision that caused it,
/// then attempted until the receiver answers, the attempts run out (dead letter), or a
/// person retries it. Its lifecycle is `handle(_:)`; Store only maps it to a row.
public struct Delivery: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable { case action, webhook, notification }
    public enum State: String, Sendable, Codable { case pending, delivered, dead }

    public var id: String
    public var actionId: String?
    public var kind: Kind
    /// Connector name (source system) or webhook subscription id.
    public var target: String
    public var payload: JSONValue
    public var idempotencyKey: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Instant
    /// While set and in the future, a node is delivering this row.
    public var leaseUntil: Instant?
    public var lastError: String?
    public var createdAt: Instant
    public var deliveredAt: Instant?
    /// The trace of the decision that queued this delivery: the delivery and the call it
    /// makes join that trace, and the receiving system hears it as `traceparent`.
    public var trace: TraceContext?

    public init(id: String, actionId: String?, kind: Kind, target: String, payload: JSONValue, idempotencyKey: String, createdAt: Instant) {
        self.id = id; self.actionId = actionId; self.kind = kind; self.target = target; self.payload = payload
        self.idempotencyKey = idempotencyKey; self.state = .pending; self.attempts = 0; self.nextAttemptAt = createdAt
        self.createdAt = createdAt
    }
}

extension Delivery {
    /// What the receiver answered, as the dispatcher heard it.
    public enum Answer: Sendable, Hashable {
        /// Done in the receiving system (`detail`: what it said).
        case applied(detail: JSONValue?)
        /// Taken for processing; the result follows later as an event.
        case accepted(detail: JSONValue?)
        /// The receiver said no; trying again would not help.
        case refused(reason: String)
        /// No answer, or one that may change (timeouts, 5xx, 429): try again later.
        case retryable(reason: String)
    }

    /// What an answer means beyond this row, for the engine to carry out.
    public enum Effect: Sendable, Hashable {
        /// The action this delivery carries moves, if its own lifecycle allows:
        /// `.applied`, `.accepted`, `.refused` or `.exhausted` (dead-lettered).
        case moveAction(ActionTransition, reason: String, detail: JSONValue?, error: String?)
        /// The action keeps waiting, with the latest failure shown on it.
        case noteActionFailure(String)
        /// The attempts ran out: the delivery is a dead letter until a person retries it.
        case deadLettered
    }

    /// Records one attempt's answer and says what follows. A pending delivery only: an
    /// answer for a delivery already settled (another node recorded it first) changes
    /// nothing and returns no effect. `jitter` (0–1) spreads retries; `now` is when the
    /// answer came.
    public mutating func handle(_ answer: Answer, settings: ConnectorSettings, jitter: Double, now: Instant) -> [Effect] {
        guard state == .pending else { return [] }
        attempts += 1
        switch answer {
        case .applied(let detail), .accepted(let detail):
            state = .delivered
            deliveredAt = now
            lastError = nil
            let transition: ActionTransition = if case .accepted = answer { .accepted } else { .applied }
            return [.moveAction(transition, reason: "Answer from \(target) on attempt \(attempts)", detail: detail, error: nil)]
        case .refused(let reason):
            state = .delivered
            deliveredAt = now
            lastError = reason
            return [.moveAction(.refused, reason: "\(target) refused: \(reason)", detail: nil, error: reason)]
        case .retryable(let reason):
            lastError = reason
            guard attempts < settings.maxAttempts else {
                state = .dead
                return [.deadLettered,
                        .moveAction(.exhausted, reason: "\(attempts) attempts to reach \(target) failed; last: \(reason)", detail: nil, error: reason)]
            }
            let wait = Backoff.delay(attempt: attempts, base: settings.baseBackoffSeconds, cap: settings.maxBackoffSeconds, random: jitter)
            nextAttemptAt = now.adding(seconds: wait)
            return [.noteActionFailure(reason)]
        }
    }
}
