/// Where one action stands, from request to the source system's answer.
public enum ActionState: String, Sendable, Codable, CaseIterable, Hashable {
    /// Proposed by a rule in recommend-only mode, or found by guardrails to need a person.
    case recommended
    case pendingApproval = "pending_approval"
    case rejected
    /// Decided and in the outbox, waiting for delivery.
    case queued
    /// The source system took it and will report the result with an event.
    case delivered
    case completed
    /// The source system refused it; the exception is back in its queue with the reason.
    case failed
    /// Delivery attempts exhausted; visible and retryable.
    case deadLettered = "dead_lettered"
    case cancelled

    /// States in which the exception waits on the action.
    public var holdsException: Bool { [.pendingApproval, .queued, .delivered].contains(self) }
}

/// The legal moves of an action. Pure: the engine turns the new state into rows.
public enum ActionTransition: Sendable, Hashable {
    case submit(needsApproval: Bool)
    case approve, reject
    case accepted, applied, refused, exhausted
    case retry, cancel

    public var verb: String {
        switch self {
        case .submit: "execute"
        case .approve: "approve"
        case .reject: "reject"
        case .accepted: "mark delivered"
        case .applied: "complete"
        case .refused: "fail"
        case .exhausted: "dead-letter"
        case .retry: "retry"
        case .cancel: "cancel"
        }
    }

    public struct Illegal: Error, Sendable, Hashable, CustomStringConvertible {
        public var state: ActionState
        public var verb: String
        public var description: String { "cannot \(verb) an action that is \(state.rawValue.replacingOccurrences(of: "_", with: " "))" }
    }

    public func next(from state: ActionState) throws(Illegal) -> ActionState {
        switch (state, self) {
        case (.recommended, .submit(let approval)): return approval ? .pendingApproval : .queued
        case (.pendingApproval, .approve): return .queued
        case (.pendingApproval, .reject): return .rejected
        case (.queued, .accepted): return .delivered
        case (.queued, .applied), (.delivered, .applied): return .completed
        case (.queued, .refused), (.delivered, .refused): return .failed
        case (.queued, .exhausted): return .deadLettered
        case (.deadLettered, .retry): return .queued
        case (.recommended, .cancel), (.pendingApproval, .cancel), (.queued, .cancel), (.deadLettered, .cancel): return .cancelled
        default: throw Illegal(state: state, verb: verb)
        }
    }
}
