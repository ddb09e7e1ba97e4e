/// What an exception already in a case looks like to reconciliation.
public struct ExistingException: Sendable, Hashable {
    public var id: String
    public var identity: String
    public var type: ExceptionType
    public var lifecycle: ExceptionLifecycle
    public var finding: Finding

    public init(id: String, identity: String, type: ExceptionType, lifecycle: ExceptionLifecycle, finding: Finding) {
        self.id = id; self.identity = identity; self.type = type; self.lifecycle = lifecycle; self.finding = finding
    }
}

/// One change reconciliation asks for.
public enum ReconcileStep: Sendable, Hashable {
    case open(Finding)
    /// Same exception, new facts (e.g. the price gap changed): update evidence, no transition.
    case refresh(exceptionId: String, Finding)
    case apply(exceptionId: String, ExceptionLifecycle.Event)
}

/// Compares what the detectors see now with the exceptions a case already has: new
/// findings open exceptions, vanished causes resolve them, returning causes reopen them.
public enum Reconciliation {
    public static func plan(existing: [ExistingException], findings: [Finding], trigger: String) -> [ReconcileStep] {
        var steps: [ReconcileStep] = []
        let current = Dictionary(findings.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
        let known = Dictionary(existing.map { ($0.identity, $0) }, uniquingKeysWith: { a, b in
            a.lifecycle.state.isClosed ? b : a
        })
        for finding in findings where known[finding.identity] == nil {
            steps.append(.open(finding))
        }
        for item in existing where known[item.identity]?.id == item.id {
            let state = item.lifecycle.state
            if let finding = current[item.identity] {
                if state == .resolved, item.lifecycle.resolution?.automatic == true {
                    steps.append(.apply(exceptionId: item.id, .causeReturned))
                    steps.append(.refresh(exceptionId: item.id, finding))
                } else if !state.isClosed, finding != item.finding {
                    steps.append(.refresh(exceptionId: item.id, finding))
                }
            } else if !state.isClosed, item.type.clearsWhenCauseRemoved {
                steps.append(.apply(exceptionId: item.id, .causeRemoved(note: "No longer detected after \(trigger)")))
            }
        }
        return steps
    }
}
