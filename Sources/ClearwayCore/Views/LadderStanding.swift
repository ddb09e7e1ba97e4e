/// Where an exception stands on its escalation ladder, for the case page and the API: each
/// rung with what it does and when it fired or is due, repeats, the priority points added
/// and whether a supervisor's acknowledgement is awaited.
public struct LadderStanding: Sendable, Hashable {
    public struct Rung: Sendable, Hashable {
        public var number: Int
        public var at: String
        /// What the rung does, as a sentence part ("notify queueLeads; raise priority by 10").
        public var does: String
        public var fired: Bool
        /// When the rung (or, for a fired repeating rung, its next repeat) falls due; nil when
        /// it has fired for good, the exception is closed or its clock stands still.
        public var dueAt: Instant?
    }

    public var rungs: [Rung]
    public var repeats: Int
    public var priorityBoost: Double
    public var awaitingAcknowledgement: Bool

    public init(ladder: EscalationLadder, exception e: ExceptionRecord, calendar: BusinessCalendar) {
        let progress = e.lifecycle.ladder
        let next = e.lifecycle.state.isClosed ? nil : ladder.next(after: progress, target: e.sla.targetMinutes)
        let nextAt = next.map { e.sla.instant(whenUsed: $0.usedMinutes, calendar: calendar) }
        rungs = ladder.rungs.enumerated().map { i, rung in
            let fired = i < progress.fired
            var due: Instant? = nil
            if !e.lifecycle.state.isClosed, fired == false || next?.rung == i {
                let target = e.sla.targetMinutes
                let when = next?.rung == i ? nextAt : e.sla.instant(whenUsed: rung.at.usedMinutes(target: target), calendar: calendar)
                due = when == .endOfTime ? nil : when
            }
            return Rung(number: i + 1, at: rung.at.label, does: Self.does(rung, repeats: true), fired: fired, dueAt: due)
        }
        repeats = progress.repeats
        priorityBoost = progress.boost
        awaitingAcknowledgement = progress.awaitingAcknowledgement
    }

    /// The standing of an exception of a case at `site`; nil when its type has no ladder
    /// there and it never climbed one.
    public static func of(_ e: ExceptionRecord, policy: Policy, site: String) -> LadderStanding? {
        let settings = policy.site(site).sla(for: e.type)
        guard !settings.ladder.isEmpty || !e.lifecycle.ladder.isStart else { return nil }
        return LadderStanding(ladder: settings.ladder, exception: e, calendar: settings.calendar)
    }

    static func does(_ rung: EscalationRung, repeats: Bool) -> String {
        var parts: [String] = []
        if !rung.notify.isEmpty { parts.append("notify " + rung.notify.map(\.label).joined(separator: ", ")) }
        if rung.raisePriority > 0 { parts.append("raise priority by \(Int(rung.raisePriority.rounded()))") }
        if let r = rung.reassign { parts.append("reassign to \(r.label)") }
        if rung.requireAcknowledgement { parts.append("a supervisor must acknowledge") }
        if repeats, let every = rung.repeatEveryMinutes { parts.append("repeats every \(EscalationRung.Threshold.hours(every)) until closed") }
        return parts.joined(separator: "; ")
    }
}
