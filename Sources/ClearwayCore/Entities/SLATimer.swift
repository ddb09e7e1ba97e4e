import Foundation

public enum TimerKind: String, Sendable, Codable, Hashable {
    case atRisk = "at_risk", breach
    /// The next rung of the exception's escalation ladder.
    case rung
    /// An action's approval request has waited its target: it goes to the next role.
    case approval
}

/// A persisted SLA timer; survives restarts because it lives in the database.
public struct TimerRecord: Sendable, Codable, Hashable {
    public var id: String
    /// The exception; for an approval timer, the action (so that the exception's SLA
    /// timers can be cancelled and set again without touching it).
    public var exceptionId: String
    public var caseId: String
    public var kind: TimerKind
    public var dueAt: Instant

    public init(id: String, exceptionId: String, caseId: String, kind: TimerKind, dueAt: Instant) {
        self.id = id; self.exceptionId = exceptionId; self.caseId = caseId; self.kind = kind; self.dueAt = dueAt
    }
}
