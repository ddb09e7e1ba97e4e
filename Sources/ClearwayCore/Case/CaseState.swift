/// The state of a whole case, derived from its exceptions so it can never disagree with them.
public enum CaseState: String, Sendable, Codable, CaseIterable, Hashable {
    /// Nobody has picked up any exception yet.
    case open
    /// At least one exception is assigned or waiting.
    case inProgress = "in_progress"
    /// Every exception is closed and at least one was resolved.
    case resolved
    /// Every exception was cancelled (e.g. the order was cancelled).
    case cancelled

    public var isClosed: Bool { self == .resolved || self == .cancelled }

    public static func derive(from states: [ExceptionState]) -> CaseState {
        if states.isEmpty { return .open }
        if states.allSatisfy({ $0 == .cancelled }) { return .cancelled }
        if states.allSatisfy(\.isClosed) { return .resolved }
        if states.contains(where: { $0 == .assigned || $0 == .waiting }) { return .inProgress }
        return .open
    }
}
