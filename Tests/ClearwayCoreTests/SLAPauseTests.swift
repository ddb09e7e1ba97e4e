import ClearwayCore
import Foundation
import Testing

/// The SLA clock stops while the ball is in the customer's or a supplier's court, on the
/// site's own business calendar, and the due time moves by the business time it stood still.
@Suite("SLA clock pauses")
struct SLAPauseTests {
    /// Mon–Fri 08:00–17:00 UTC.
    static let office = BusinessCalendar(name: "office", timeZone: TimeZone(identifier: "UTC")!, opensAt: 8 * 60, closesAt: 17 * 60,
                                         workingDays: Set(0...4), holidays: [])
    /// Mon–Fri 07:00–16:00 in Berlin, with Monday 2026-12-07 a holiday.
    static let berlin = BusinessCalendar(name: "eu-central", timeZone: TimeZone(identifier: "Europe/Berlin")!, opensAt: 7 * 60,
                                         closesAt: 16 * 60, workingDays: Set(0...4), holidays: [LocalDate(year: 2026, month: 12, day: 7)])

    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    static func settings(_ calendar: BusinessCalendar = office, pausesFor: Set<WaitingParty> = [.customer, .supplier],
                         max: Double? = nil) -> SLASettings {
        SLASettings(calendar: calendar, atRiskFraction: 0.5, pause: SLAPauseRule(pausesFor: pausesFor, maxPausedMinutes: max))
    }

    static func exception(opened start: Instant, target: Double = 240, calendar: BusinessCalendar = office) -> ExceptionRecord {
        let sla = SLAClock(startedAt: start, atRiskAt: calendar.adding(businessMinutes: target / 2, to: start),
                           dueAt: calendar.adding(businessMinutes: target, to: start), targetMinutes: target, calendar: calendar.name)
        let finding = Finding(type: .creditLimitExceeded, key: "credit", summary: "over limit", evidence: [], moneyAtRisk: Money(100))
        return ExceptionRecord(id: "EX-1", caseId: "CASE-1", identity: "credit", type: .creditLimitExceeded, queue: "credit",
                               lifecycle: ExceptionLifecycle(), finding: finding, sla: sla, priority: PriorityScore(score: 0.5, parts: []),
                               openedAt: start, updatedAt: start, closedAt: nil)
    }

    static func stamp(_ now: Instant) -> DecisionStamp {
        DecisionStamp(now: now, actor: "dana", policyVersion: "p1", ids: SequentialIdentifiers())
    }

    static func audits(_ writes: [CaseWrite]) -> [String] {
        writes.compactMap { write -> String? in
            if case .audit(let entry) = write { return entry.action }
            return nil
        }
    }

    static func timers(_ writes: [CaseWrite]) -> [TimerRecord] {
        writes.flatMap { write -> [TimerRecord] in
            if case .scheduleTimers(let timers) = write { return timers }
            return []
        }
    }

    @Test("waiting on the customer stops the clock overnight; resuming moves the due time by the business time it stood still")
    func pauseOvernight() throws {
        var e = Self.exception(opened: Self.at("2026-11-30T09:00:00Z"))   // Monday; 4 h target: due 13:00
        #expect(e.sla.dueAt == Self.at("2026-11-30T13:00:00Z"))
        let paused = try e.handle(.wait(on: .customer, reason: "asked for a new PO"), reason: "asked for a new PO",
                                  stamp: Self.stamp(Self.at("2026-11-30T10:00:00Z")), sla: Self.settings())
        #expect(Self.audits(paused) == ["exception.waiting", "sla.paused"])
        #expect(paused.contains(.cancelTimers(exceptionId: "EX-1")))
        #expect(Self.timers(paused).isEmpty, "a pause without a limit arms no timer")
        #expect(e.sla.state == .paused && e.sla.pausedOn == .customer)
        #expect(e.sla.scheduledDueAt == .endOfTime, "queues and KPIs treat a clock paused without a limit as due never")
        // Long past the old due time, the clock still shows one business hour used.
        let tuesday = Self.at("2026-12-01T10:00:00Z")
        #expect(e.sla.used(at: tuesday, calendar: Self.office) == 60)
        #expect(e.sla.status(at: tuesday) == .none, "a paused clock stands at the level it had reached")
        let resumed = try e.handle(.resume, reason: nil, stamp: Self.stamp(tuesday), sla: Self.settings())
        #expect(Self.audits(resumed) == ["exception.resumed", "sla.resumed"])
        // Paused Mon 10:00–17:00 and Tue 08:00–10:00: 540 business minutes; 3 h left from Tue 10:00.
        #expect(e.sla.pausedMinutes == 540)
        #expect(e.sla.dueAt == Self.at("2026-12-01T13:00:00Z"))
        #expect(e.sla.atRiskAt == Self.at("2026-12-01T11:00:00Z"))
        #expect(Self.timers(resumed).map(\.dueAt) == [Self.at("2026-12-01T11:00:00Z"), Self.at("2026-12-01T13:00:00Z")])
        #expect(e.sla.state == .running)
    }

    @Test("a pause over a weekend and a holiday on the Berlin calendar counts only Berlin's working time")
    func pauseOverWeekendAndHoliday() throws {
        // Friday 2026-12-04 14:00 Berlin (13:00 UTC); 8 h target on 07:00–16:00.
        var e = Self.exception(opened: Self.at("2026-12-04T13:00:00Z"), target: 480, calendar: Self.berlin)
        _ = try e.handle(.wait(on: .supplier, reason: "supplier confirms the date"), reason: nil,
                         stamp: Self.stamp(Self.at("2026-12-04T14:00:00Z")), sla: Self.settings(Self.berlin))
        // Resumed Tuesday 09:00 Berlin (08:00 UTC); Monday is a holiday.
        _ = try e.handle(.resume, reason: nil, stamp: Self.stamp(Self.at("2026-12-08T08:00:00Z")), sla: Self.settings(Self.berlin))
        // Friday 15:00–16:00 and Tuesday 07:00–09:00 Berlin: 180 minutes paused; 60 used before, 420 left.
        #expect(e.sla.pausedMinutes == 180)
        #expect(e.sla.used(at: Self.at("2026-12-08T08:00:00Z"), calendar: Self.berlin) == 60)
        #expect(e.sla.dueAt == Self.at("2026-12-08T15:00:00Z"), "Tuesday 16:00 Berlin")
    }

    @Test("waiting on another team does not stop the clock: the customer is waiting all the same")
    func internalWaitKeepsRunning() throws {
        var e = Self.exception(opened: Self.at("2026-11-30T09:00:00Z"))
        let writes = try e.handle(.wait(on: .team, reason: "pricing desk checks"), reason: nil,
                                  stamp: Self.stamp(Self.at("2026-11-30T10:00:00Z")), sla: Self.settings())
        #expect(Self.audits(writes) == ["exception.waiting"])
        #expect(!writes.contains(.cancelTimers(exceptionId: "EX-1")))
        #expect(e.lifecycle.state == .waiting && e.sla.state == .running)
        #expect(e.sla.dueAt == Self.at("2026-11-30T13:00:00Z"))
    }

    @Test("with a limit, the timers stay armed where the limit runs out, and a pause beyond the limit is refused and audited")
    func allowance() throws {
        var e = Self.exception(opened: Self.at("2026-11-30T09:00:00Z"))
        let limited = Self.settings(max: 120)
        let paused = try e.handle(.wait(on: .customer, reason: "waiting for the PO"), reason: nil,
                                  stamp: Self.stamp(Self.at("2026-11-30T10:00:00Z")), sla: limited)
        // 1 h used, 2 h allowance: at risk (2 h used) at 13:00, due (4 h used) at 15:00 if it waits all along.
        #expect(Self.timers(paused).map(\.dueAt) == [Self.at("2026-11-30T13:00:00Z"), Self.at("2026-11-30T15:00:00Z")])
        #expect(e.sla.status(at: Self.at("2026-11-30T14:00:00Z")) == .atRisk, "the clock runs again once the allowance is used")
        #expect(e.sla.scheduledDueAt == Self.at("2026-11-30T15:00:00Z"))
        _ = try e.handle(.resume, reason: nil, stamp: Self.stamp(Self.at("2026-12-01T09:00:00Z")), sla: limited)
        #expect(e.sla.pausedMinutes == 120, "the pause counts up to the allowance only")
        let again = try e.handle(.wait(on: .customer, reason: "again"), reason: nil, stamp: Self.stamp(Self.at("2026-12-01T09:30:00Z")), sla: limited)
        #expect(Self.audits(again) == ["exception.waiting", "sla.pause_refused"])
        #expect(e.sla.state == .running)
    }

    @Test("resolving a waiting exception closes the pause: its time counts as paused and the due time moves for the KPIs")
    func closeWhilePaused() throws {
        var e = Self.exception(opened: Self.at("2026-11-30T09:00:00Z"))
        _ = try e.handle(.wait(on: .customer, reason: "PO"), reason: nil, stamp: Self.stamp(Self.at("2026-11-30T10:00:00Z")), sla: Self.settings())
        let closed = Self.at("2026-12-01T09:00:00Z")
        _ = try e.handle(.resolve(code: "fixed", note: nil), reason: nil, stamp: Self.stamp(closed), sla: Self.settings())
        #expect(e.sla.pausedMinutes == 480)
        #expect(!e.sla.isPaused)
        #expect(closed <= e.sla.dueAt, "resolved within the SLA net of the pause")
    }

    @Test("a paused clock is stored and read back as it was; one that never paused is stored as before")
    func codable() throws {
        var e = Self.exception(opened: Self.at("2026-11-30T09:00:00Z"))
        let plain = String(decoding: try JSONEncoder().encode(e.sla), as: UTF8.self)
        #expect(!plain.contains("paused"))
        _ = try e.handle(.wait(on: .customer, reason: "PO"), reason: nil, stamp: Self.stamp(Self.at("2026-11-30T10:00:00Z")), sla: Self.settings(max: 90))
        let data = try JSONEncoder().encode(e.sla)
        #expect(String(decoding: data, as: UTF8.self).contains("\"pausedOn\":\"customer\""))
        #expect(try JSONDecoder().decode(SLAClock.self, from: data) == e.sla)
    }
}
