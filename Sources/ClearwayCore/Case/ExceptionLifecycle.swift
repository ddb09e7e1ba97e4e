/// Where one exception stands. Each exception in a case has its own, so the pricing desk
/// can resolve its part while the warehouse still works on another.
public enum ExceptionState: String, Sendable, Codable, CaseIterable, Hashable {
    case open, assigned, waiting, resolved, cancelled

    public var isClosed: Bool { self == .resolved || self == .cancelled }
}

/// How far an exception's SLA clock has run.
public enum EscalationLevel: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case none, atRisk = "at_risk", breached

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    var rank: Int { self == .none ? 0 : self == .atRisk ? 1 : 2 }
}

/// Why and by whom an exception was closed.
public struct Resolution: Sendable, Codable, Hashable {
    public var code: String
    public var note: String?
    /// True when Clearway closed it because a later event removed the cause.
    public var automatic: Bool
    /// True when no person took part: the cause went away, or a touchless rule's action
    /// cleared it. (An action a person asked for is not touchless.)
    public var touchless: Bool

    public init(code: String, note: String? = nil, automatic: Bool, touchless: Bool? = nil) {
        self.code = code; self.note = note; self.automatic = automatic; self.touchless = touchless ?? automatic
    }

    private enum Keys: String, CodingKey { case code, note, automatic, touchless }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        code = try c.decode(String.self, forKey: .code)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        automatic = try c.decode(Bool.self, forKey: .automatic)
        touchless = try c.decodeIfPresent(Bool.self, forKey: .touchless) ?? automatic
    }
}

/// The lifecycle of one exception as a value: `handle` either returns the effects of a
/// legal transition or throws, leaving the value untouched. No I/O happens here; the
/// engine turns the effects into rows, timers and audit entries.
public struct ExceptionLifecycle: Sendable, Codable, Hashable {
    public private(set) var state: ExceptionState
    public private(set) var assignee: String?
    public private(set) var resolution: Resolution?
    public private(set) var escalation: EscalationLevel
    public private(set) var reopenCount: Int
    /// How far up its escalation ladder the exception has come.
    public private(set) var ladder: LadderProgress

    public init(state: ExceptionState = .open, assignee: String? = nil, resolution: Resolution? = nil,
                escalation: EscalationLevel = .none, reopenCount: Int = 0, ladder: LadderProgress = LadderProgress()) {
        self.state = state; self.assignee = assignee; self.resolution = resolution
        self.escalation = escalation; self.reopenCount = reopenCount; self.ladder = ladder
    }

    private enum CodingKeys: String, CodingKey { case state, assignee, resolution, escalation, reopenCount, ladder }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        state = try c.decode(ExceptionState.self, forKey: .state)
        assignee = try c.decodeIfPresent(String.self, forKey: .assignee)
        resolution = try c.decodeIfPresent(Resolution.self, forKey: .resolution)
        escalation = try c.decode(EscalationLevel.self, forKey: .escalation)
        reopenCount = try c.decode(Int.self, forKey: .reopenCount)
        ladder = try c.decodeIfPresent(LadderProgress.self, forKey: .ladder) ?? LadderProgress()
    }

    /// An exception that has not started up its ladder is stored as before ladders existed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encodeIfPresent(assignee, forKey: .assignee)
        try c.encodeIfPresent(resolution, forKey: .resolution)
        try c.encode(escalation, forKey: .escalation)
        try c.encode(reopenCount, forKey: .reopenCount)
        if !ladder.isStart { try c.encode(ladder, forKey: .ladder) }
    }

    public enum Event: Sendable, Hashable {
        /// A person takes the exception or is given it.
        case assign(to: String)
        case unassign
        /// Work paused on someone outside the queue: whose move it is, and why.
        case wait(on: WaitingParty, reason: String)
        case resume
        case resolve(code: String, note: String?)
        /// An action carried out in the source system cleared the exception.
        case actionCompleted(code: String, note: String?, touchless: Bool)
        /// A later event shows the condition gone.
        case causeRemoved(note: String)
        /// The condition came back after Clearway closed it automatically.
        case causeReturned
        case cancel(reason: String)
        case slaAtRisk
        case slaBreached
        /// The exception moves to another queue (a supervisor's decision, or a rung of the
        /// escalation ladder at breach); its SLA clock keeps running.
        case reroute(from: String, to: String)
        /// A rung of the escalation ladder fires: it adds `raise` priority points and may ask
        /// a supervisor to acknowledge it.
        case climb(LadderStep, raise: Double, needsAcknowledgement: Bool)
        /// A supervisor saw the escalation.
        case acknowledgeEscalation
    }

    public enum Effect: Sendable, Hashable {
        case stateChanged(from: ExceptionState, to: ExceptionState)
        case assigneeChanged(from: String?, to: String?)
        /// SLA timers of this exception no longer apply.
        case stopSLAClock
        /// A reopened exception gets a fresh SLA clock.
        case restartSLAClock
        /// The exception now waits on `party`; the policy says whether its clock pauses.
        case waitingStarted(on: WaitingParty)
        /// It no longer waits; a paused clock runs again.
        case waitingEnded
        case escalated(EscalationLevel)
        case rerouted(from: String, to: String)
        case climbed(LadderStep)
        case escalationAcknowledged
    }

    public struct TransitionError: Error, Sendable, Hashable, CustomStringConvertible {
        public var state: ExceptionState
        public var event: String
        /// Why, when the state alone does not say.
        public var why: String?

        public init(state: ExceptionState, event: String, why: String? = nil) { self.state = state; self.event = event; self.why = why }

        public var description: String { "cannot \(event) an exception that is \(state.rawValue)" + (why.map { ": \($0)" } ?? "") }
    }

    public mutating func handle(_ event: Event) throws(TransitionError) -> [Effect] {
        switch (state, event) {
        case (.open, .assign(let who)), (.assigned, .assign(let who)), (.waiting, .assign(let who)):
            guard who != assignee || state != .assigned else { throw illegal(event) }
            let before = state, previous = assignee
            assignee = who
            state = state == .waiting ? .waiting : .assigned
            return change(before) + [.assigneeChanged(from: previous, to: who)]

        case (.assigned, .unassign):
            let previous = assignee
            assignee = nil
            state = .open
            return [.stateChanged(from: .assigned, to: .open), .assigneeChanged(from: previous, to: nil)]

        case (.open, .wait(let party, _)), (.assigned, .wait(let party, _)):
            let before = state
            state = .waiting
            return [.stateChanged(from: before, to: .waiting), .waitingStarted(on: party)]

        case (.waiting, .resume):
            state = assignee == nil ? .open : .assigned
            return [.stateChanged(from: .waiting, to: state), .waitingEnded]

        case (.open, .resolve(let code, let note)), (.assigned, .resolve(let code, let note)), (.waiting, .resolve(let code, let note)):
            return close(.resolved, Resolution(code: code, note: note, automatic: false))

        case (.open, .actionCompleted(let code, let note, let touchless)), (.assigned, .actionCompleted(let code, let note, let touchless)),
             (.waiting, .actionCompleted(let code, let note, let touchless)):
            return close(.resolved, Resolution(code: code, note: note, automatic: false, touchless: touchless))

        case (.open, .causeRemoved(let note)), (.assigned, .causeRemoved(let note)), (.waiting, .causeRemoved(let note)):
            return close(.resolved, Resolution(code: "cause_removed", note: note, automatic: true))

        case (.resolved, .causeReturned) where resolution?.automatic == true:
            resolution = nil
            escalation = .none
            ladder = LadderProgress()
            reopenCount += 1
            state = assignee == nil ? .open : .assigned
            return [.stateChanged(from: .resolved, to: state), .restartSLAClock]

        case (.open, .cancel(let reason)), (.assigned, .cancel(let reason)), (.waiting, .cancel(let reason)):
            return close(.cancelled, Resolution(code: "cancelled", note: reason, automatic: false))

        case (.open, .slaAtRisk), (.assigned, .slaAtRisk), (.waiting, .slaAtRisk):
            guard escalation < .atRisk else { throw illegal(event) }
            escalation = .atRisk
            return [.escalated(.atRisk)]

        case (.open, .slaBreached), (.assigned, .slaBreached), (.waiting, .slaBreached):
            guard escalation < .breached else { throw illegal(event) }
            escalation = .breached
            return [.escalated(.breached)]

        case (.open, .reroute(let from, let to)), (.assigned, .reroute(let from, let to)), (.waiting, .reroute(let from, let to)):
            guard from != to else { throw TransitionError(state: state, event: "re-route to the queue it is in (\(to))") }
            return [.rerouted(from: from, to: to)]

        case (.open, .climb(let step, let raise, let ack)), (.assigned, .climb(let step, let raise, let ack)),
             (.waiting, .climb(let step, let raise, let ack)):
            let first = step.rung == ladder.fired
            let expected = first || (step.rung == ladder.fired - 1 && step.repetition > ladder.repeats)
            guard expected else {
                throw TransitionError(state: state, event: "escalate", why: "rung \(step.rung + 1) is out of order (\(ladder.fired) fired)")
            }
            if first { ladder.fired += 1 }
            ladder.repeats = step.repetition
            ladder.boost = min(100, ladder.boost + raise)
            if ack { ladder.awaitingAcknowledgement = true }
            return [.climbed(step)]

        case (_, .acknowledgeEscalation) where ladder.awaitingAcknowledgement:
            ladder.awaitingAcknowledgement = false
            return [.escalationAcknowledged]

        case (_, .acknowledgeEscalation):
            throw TransitionError(state: state, event: "acknowledge the escalation of", why: "no escalation awaits acknowledgement")

        default:
            throw illegal(event)
        }
    }

    private mutating func close(_ target: ExceptionState, _ resolution: Resolution) -> [Effect] {
        let before = state
        state = target
        self.resolution = resolution
        return [.stateChanged(from: before, to: target), .stopSLAClock]
    }

    private func change(_ before: ExceptionState) -> [Effect] {
        before == state ? [] : [.stateChanged(from: before, to: state)]
    }

    private func illegal(_ event: Event) -> TransitionError {
        TransitionError(state: state, event: event.verb)
    }
}

extension ExceptionLifecycle.Event {
    /// The verb people and the API use for this event.
    public var verb: String {
        switch self {
        case .assign: "assign"
        case .unassign: "unassign"
        case .wait: "wait"
        case .resume: "resume"
        case .resolve: "resolve"
        case .actionCompleted: "complete by action"
        case .causeRemoved: "auto-resolve"
        case .causeReturned: "reopen"
        case .cancel: "cancel"
        case .slaAtRisk: "mark at risk"
        case .slaBreached: "mark breached"
        case .reroute: "re-route"
        case .climb: "escalate"
        case .acknowledgeEscalation: "acknowledge the escalation of"
        }
    }
}
