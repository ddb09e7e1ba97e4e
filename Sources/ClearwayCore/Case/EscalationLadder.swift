/// What happens to an exception as its SLA runs out: rungs at shares of the SLA used and
/// after breach, in order. Each rung fires once per exception; the last may repeat every
/// so many business minutes until the exception closes. Thresholds count business time
/// used net of pauses, so a paused clock holds the ladder too.
public struct EscalationLadder: Sendable, Hashable {
    public var rungs: [EscalationRung]

    public init(_ rungs: [EscalationRung] = []) { self.rungs = rungs }

    public static let none = EscalationLadder()

    public var isEmpty: Bool { rungs.isEmpty }

    /// The next rung (or repeat of the last) after `progress`, with the business minutes of
    /// a `target` SLA that must be used for it; nil when the ladder is climbed.
    public func next(after progress: LadderProgress, target: Double) -> LadderStep? {
        if progress.fired < rungs.count {
            let rung = progress.fired
            return LadderStep(rung: rung, repetition: 0, usedMinutes: rungs[rung].at.usedMinutes(target: target))
        }
        guard let last = rungs.last, let every = last.repeatEveryMinutes, every > 0 else { return nil }
        let repetition = progress.repeats + 1
        return LadderStep(rung: rungs.count - 1, repetition: repetition,
                          usedMinutes: last.at.usedMinutes(target: target) + Double(repetition) * every)
    }

    /// The rungs due once `used` business minutes of a `target` SLA are used, in order.
    /// Firings of the repeating last rung that fell due while no node ran are collapsed
    /// into one step (the latest), which counts the ones it stands for in `missed`.
    public func due(after progress: LadderProgress, used: Double, target: Double) -> [LadderStep] {
        var steps: [LadderStep] = []
        var p = progress
        while var step = next(after: p, target: target), step.usedMinutes <= used + 1e-9 {
            if step.rung == rungs.count - 1, let every = rungs[step.rung].repeatEveryMinutes, every > 0 {
                let base = rungs[step.rung].at.usedMinutes(target: target)
                let latest = max(step.repetition, Int(((used - base) / every + 1e-9).rounded(.down)))
                step.missed = latest - step.repetition
                step.repetition = latest
                step.usedMinutes = base + Double(latest) * every
                steps.append(step)
                break
            }
            steps.append(step)
            p.fired += 1
        }
        return steps
    }

    /// Every queue a rung re-routes to, for queue listings.
    public var queues: [String] {
        rungs.compactMap { if case .queue(let q) = $0.reassign { q } else { nil } }
    }
}

/// One rung of a ladder: when it fires and what it does (at least one thing).
public struct EscalationRung: Sendable, Hashable {
    public enum Threshold: Sendable, Hashable {
        /// A share of the SLA used (0.5 is half the SLA).
        case share(Double)
        /// Business minutes after the SLA breached (0 is the breach itself).
        case afterBreach(minutes: Double)

        public func usedMinutes(target: Double) -> Double {
            switch self {
            case .share(let s): s * target
            case .afterBreach(let m): target + m
            }
        }

        /// As people write it in the policy: "75%", "breach", "breach + 4h".
        public var label: String {
            switch self {
            case .share(let s): "\(Int((s * 100).rounded()))%"
            case .afterBreach(let m) where m == 0: "breach"
            case .afterBreach(let m): "breach + \(Self.hours(m))"
            }
        }

        static func hours(_ minutes: Double) -> String {
            let h = Int(minutes) / 60, m = Int(minutes) % 60
            return h == 0 ? "\(m)m" : m == 0 ? "\(h)h" : "\(h)h\(m)m"
        }
    }

    /// Who a rung tells.
    public enum Recipient: Sendable, Hashable {
        case assignee
        /// The supervisors of the queue the exception is in.
        case queueLeads
        case role(Role)
        case person(String)
        /// A distribution address (a shared mailbox).
        case address(String)

        public var label: String {
            switch self {
            case .assignee: "assignee"
            case .queueLeads: "queueLeads"
            case .role(let r): "role:\(r.rawValue)"
            case .person(let p): "person:\(p)"
            case .address(let a): "address:\(a)"
            }
        }
    }

    public enum Reassignment: Sendable, Hashable {
        case queue(String)
        case person(String)

        public var label: String {
            switch self {
            case .queue(let q): "queue:\(q)"
            case .person(let p): "person:\(p)"
            }
        }
    }

    public var at: Threshold
    public var notify: [Recipient]
    /// Points added to the priority score while the exception stays open (see `PriorityScore`).
    public var raisePriority: Double
    public var reassign: Reassignment?
    /// A supervisor must acknowledge that they saw it; the exception shows it until then.
    public var requireAcknowledgement: Bool
    /// Business minutes between repeats; only the last rung may repeat.
    public var repeatEveryMinutes: Double?

    public init(at: Threshold, notify: [Recipient] = [], raisePriority: Double = 0, reassign: Reassignment? = nil,
                requireAcknowledgement: Bool = false, repeatEveryMinutes: Double? = nil) {
        self.at = at; self.notify = notify; self.raisePriority = raisePriority; self.reassign = reassign
        self.requireAcknowledgement = requireAcknowledgement; self.repeatEveryMinutes = repeatEveryMinutes
    }

    /// What the rung does, for the audit row and the case page.
    public var detail: JSONValue {
        var d: [String: JSONValue] = ["at": .string(at.label)]
        if !notify.isEmpty { d["notify"] = .array(notify.map { .string($0.label) }) }
        if raisePriority > 0 { d["raisePriority"] = .number(raisePriority) }
        if let reassign { d["reassign"] = .string(reassign.label) }
        if requireAcknowledgement { d["requireAcknowledgement"] = .bool(true) }
        if let every = repeatEveryMinutes { d["repeatEveryMinutes"] = .number(every) }
        return .object(d)
    }
}

/// One firing of a rung: which, which repeat (0 the first firing; a first firing that stands
/// for repeats missed as well carries the latest), and the SLA used it needs.
public struct LadderStep: Sendable, Hashable {
    public var rung: Int
    public var repetition: Int
    public var usedMinutes: Double
    /// Repeats that fell due while no node ran, stood for by this one.
    public var missed: Int = 0

    public init(rung: Int, repetition: Int, usedMinutes: Double, missed: Int = 0) {
        self.rung = rung; self.repetition = repetition; self.usedMinutes = usedMinutes; self.missed = missed
    }
}

/// How far up its ladder an exception has come; kept with its lifecycle.
public struct LadderProgress: Sendable, Codable, Hashable {
    /// Rungs fired, from the first.
    public var fired: Int = 0
    /// Times the last rung repeated after it first fired.
    public var repeats: Int = 0
    /// Priority points the fired rungs added.
    public var boost: Double = 0
    /// A fired rung asked a supervisor to acknowledge it, and none has yet.
    public var awaitingAcknowledgement: Bool = false

    public init(fired: Int = 0, repeats: Int = 0, boost: Double = 0, awaitingAcknowledgement: Bool = false) {
        self.fired = fired; self.repeats = repeats; self.boost = boost; self.awaitingAcknowledgement = awaitingAcknowledgement
    }

    public var isStart: Bool { self == LadderProgress() }
}

extension LadderStep {
    /// What a rung's notification is about: a rung before breach warns that the exception is
    /// at risk, the breach rung that it breached; rungs after it (and repeats) escalate.
    public func trigger(_ rung: EscalationRung) -> NotificationTrigger {
        switch rung.at {
        case .share: .atRisk
        case .afterBreach(let minutes): minutes == 0 && repetition == 0 ? .breached : .escalation
        }
    }
}
