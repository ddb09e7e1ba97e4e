import ClearwayCore
import Synchronization

/// What the simulated source systems have done with the actions they received: the answer
/// per idempotency key (a repeat gets the first answer and changes nothing), how many
/// times each action took effect, and the applied actions the simulation has yet to play
/// into its world.
public final class ActionLedger: Sendable {
    struct State {
        var answers: [String: JSONValue] = [:]
        var effects: [String: Int] = [:]
        var requests = 0
        var unplayed: [PlayedAction] = []
        var traces: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Applies the action unless its key was seen; returns the answer and whether it was new.
    /// `traceparent` is the trace the call came in (kept, and sent back with a later result).
    func apply(key: String, payload: JSONValue, traceparent: String? = nil, answer: (JSONValue) -> JSONValue) -> (JSONValue, Bool) {
        state.withLock { s in
            s.requests += 1
            if let id = payload["actionId"]?.stringValue, let traceparent { s.traces[id] = traceparent }
            if let first = s.answers[key] { return (first, false) }
            let result = answer(payload)
            s.answers[key] = result
            if let id = payload["actionId"]?.stringValue { s.effects[id, default: 0] += 1 }
            let status = result["status"]?.stringValue
            if status == "applied" || status == "accepted" { s.unplayed.append(PlayedAction(payload: payload, reportLater: status == "accepted", traceparent: traceparent)) }
            return (result, true)
        }
    }

    func countRequest() { state.withLock { $0.requests += 1 } }

    /// Times each action took effect; exactly-once delivery means every value is 1.
    public var effects: [String: Int] { state.withLock { $0.effects } }

    /// The `traceparent` each action's latest call carried, by action id.
    public var traceparents: [String: String] { state.withLock { $0.traces } }

    /// Every request received, including refused and repeated ones.
    public var requests: Int { state.withLock { $0.requests } }

    /// Applied actions not yet played into the simulated world, oldest first.
    public func takeUnplayed() -> [PlayedAction] {
        state.withLock { s in
            defer { s.unplayed.removeAll() }
            return s.unplayed
        }
    }
}

/// An action a simulated system took, for the simulation to play into its world.
public struct PlayedAction: Sendable, Hashable {
    public var payload: JSONValue
    /// The system answered "accepted": the simulation reports the result with an event.
    public var reportLater: Bool
    /// The trace the call arrived in; a later result is sent in the same trace.
    public var traceparent: String?
}
