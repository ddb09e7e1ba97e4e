/// Whose move it is while an exception waits. The policy says which of them stop the SLA
/// clock: waiting on the customer or a supplier usually does, waiting on another team of
/// the distributor does not (the customer is waiting all the same).
public enum WaitingParty: String, Sendable, Codable, CaseIterable, Hashable {
    case customer, supplier, carrier
    /// Another team of the distributor, or an approver.
    case team
    /// A source system carrying out an action Clearway sent.
    case system
}

/// When an exception's SLA clock pauses: the parties whose move it is, and at most how long
/// the clock may stand still in all (business minutes; nil for no limit). After the limit,
/// the clock runs again although the exception still waits.
public struct SLAPauseRule: Sendable, Hashable {
    public var pausesFor: Set<WaitingParty>
    public var maxPausedMinutes: Double?

    public init(pausesFor: Set<WaitingParty> = [.customer, .supplier], maxPausedMinutes: Double? = nil) {
        self.pausesFor = pausesFor; self.maxPausedMinutes = maxPausedMinutes
    }
}

/// What an exception's SLA clock follows, from the policy for its type at its site.
public struct SLASettings: Sendable {
    public var calendar: BusinessCalendar
    public var atRiskFraction: Double
    public var pause: SLAPauseRule
    public var ladder: EscalationLadder

    public init(calendar: BusinessCalendar, atRiskFraction: Double, pause: SLAPauseRule, ladder: EscalationLadder = .none) {
        self.calendar = calendar; self.atRiskFraction = atRiskFraction; self.pause = pause; self.ladder = ladder
    }
}

extension Instant {
    /// Later than any due time (9999-12-31T23:59:59Z).
    public static let endOfTime = Instant(millis: 253_402_300_799_000)
}

extension SLAClock {
    /// Running, paused (the exception waits on a party whose move it is) or stopped.
    public enum State: String, Sendable, Hashable { case running, paused, stopped }

    public var isPaused: Bool { pausedAt != nil }

    /// Business minutes still allowed for pauses (nil: no limit).
    public var pauseAllowance: Double? { maxPausedMinutes.map { max(0, $0 - pausedMinutes) } }

    /// Business minutes the current pause has taken so far, within the allowance.
    public func currentPause(at now: Instant, calendar: BusinessCalendar) -> Double {
        guard let pausedAt else { return 0 }
        let minutes = calendar.businessMinutes(from: pausedAt, to: max(now, pausedAt))
        return pauseAllowance.map { min(minutes, $0) } ?? minutes
    }

    /// Business minutes the clock has been paused in all by `now`.
    public func paused(at now: Instant, calendar: BusinessCalendar) -> Double {
        pausedMinutes + currentPause(at: now, calendar: calendar)
    }

    /// Business minutes of the target used by `now`, net of pauses.
    public func used(at now: Instant, calendar: BusinessCalendar) -> Double {
        max(0, calendar.businessMinutes(from: startedAt, to: now) - paused(at: now, calendar: calendar))
    }

    /// Stops the clock for `party`. Returns false (and changes nothing) when the pause
    /// allowance is used up: the clock keeps running. With an allowance, the due times
    /// move to where they fall if the whole allowance is used, so the timers stay armed.
    public mutating func pause(at now: Instant, on party: WaitingParty, settings: SLASettings) -> Bool {
        guard !isPaused else { return false }
        maxPausedMinutes = settings.pause.maxPausedMinutes
        guard pauseAllowance.map({ $0 > 0 }) ?? true else { return false }
        pausedAt = now
        pausedOn = party
        dueTimes(extraMinutes: pauseAllowance ?? 0, settings: settings)
        return true
    }

    /// Runs the clock again; the due times move by the business time the pause took
    /// (within the allowance). Returns the business minutes this pause counted.
    @discardableResult
    public mutating func resume(at now: Instant, settings: SLASettings) -> Double {
        guard isPaused else { return 0 }
        let minutes = currentPause(at: now, calendar: settings.calendar)
        pausedMinutes += minutes
        pausedAt = nil
        pausedOn = nil
        dueTimes(extraMinutes: 0, settings: settings)
        return minutes
    }

    /// Where the clock stands: paused time is kept until it resumes or the exception closes.
    public var state: State { isPaused ? .paused : .running }

    /// The due time the store sorts, filters and counts by: where the clock is heading. A
    /// clock paused without a limit is heading nowhere, so its exception sorts last among
    /// due work and cannot count as breached while it waits.
    public var scheduledDueAt: Instant { standsStill ? .endOfTime : dueAt }
    public var scheduledAtRiskAt: Instant { standsStill ? .endOfTime : atRiskAt }

    private var standsStill: Bool { isPaused && maxPausedMinutes == nil }

    /// When `minutes` of business time will have been used, as the clock stands: pauses so
    /// far move it later; a running pause with an allowance counts as if all of it is used.
    public func instant(whenUsed minutes: Double, calendar: BusinessCalendar) -> Instant {
        guard !standsStill else { return .endOfTime }
        let shift = pausedMinutes + (isPaused ? pauseAllowance ?? 0 : 0)
        return calendar.adding(businessMinutes: minutes + shift, to: startedAt)
    }

    private mutating func dueTimes(extraMinutes: Double, settings: SLASettings) {
        let shift = pausedMinutes + extraMinutes
        dueAt = settings.calendar.adding(businessMinutes: targetMinutes + shift, to: startedAt)
        atRiskAt = settings.calendar.adding(businessMinutes: targetMinutes * settings.atRiskFraction + shift, to: startedAt)
    }
}
