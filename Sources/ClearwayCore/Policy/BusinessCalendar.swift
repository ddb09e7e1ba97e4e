import Foundation

/// A site's working time: the hours its teams work, on which days, minus holidays, in the
/// site's own time zone. SLA clocks run only inside it, so a Friday-evening exception with
/// a 4-hour SLA is due Monday morning, not Friday night.
public struct BusinessCalendar: Sendable, Hashable {
    public var name: String
    public var timeZone: TimeZone
    /// Minutes after local midnight.
    public var opensAt: Int
    public var closesAt: Int
    /// 0 = Monday … 6 = Sunday.
    public var workingDays: Set<Int>
    public var holidays: Set<LocalDate>

    public init(name: String, timeZone: TimeZone, opensAt: Int, closesAt: Int, workingDays: Set<Int>, holidays: Set<LocalDate>) {
        self.name = name; self.timeZone = timeZone; self.opensAt = opensAt; self.closesAt = closesAt
        self.workingDays = workingDays; self.holidays = holidays
    }

    public static let alwaysOpen = BusinessCalendar(
        name: "24x7", timeZone: TimeZone(identifier: "UTC")!, opensAt: 0, closesAt: 1440,
        workingDays: Set(0...6), holidays: [])

    public func isWorkingDay(_ day: LocalDate) -> Bool {
        workingDays.contains(day.weekday) && !holidays.contains(day)
    }

    /// The calendar date of an instant in this calendar's zone ("today" for guardrails).
    public func date(of instant: Instant) -> LocalDate { local(instant).0 }

    /// The local date and minute of day of an instant in this calendar's zone.
    func local(_ instant: Instant) -> (LocalDate, Double) {
        let offset = timeZone.secondsFromGMT(for: instant.date)
        let localSeconds = Double(instant.millis) / 1000 + Double(offset)
        let day = Int((localSeconds / 86_400).rounded(.down))
        return (LocalDate(dayNumber: day), (localSeconds - Double(day) * 86_400) / 60)
    }

    /// The instant at a local date and minute of day.
    func instant(_ day: LocalDate, minute: Double) -> Instant {
        let naive = (Double(day.dayNumber) * 86_400 + minute * 60)
        let guess = Date(timeIntervalSince1970: naive)
        let offset = Double(timeZone.secondsFromGMT(for: guess))
        let corrected = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: naive - offset)))
        return Instant(millis: Int64(((naive - corrected) * 1000).rounded()))
    }

    /// The instant `minutes` of working time after `start`.
    public func adding(businessMinutes minutes: Double, to start: Instant) -> Instant {
        precondition(!workingDays.isEmpty && closesAt > opensAt, "calendar has no working time")
        var (day, minute) = local(start)
        var remaining = minutes
        for _ in 0..<(366 * 5) {
            if isWorkingDay(day) {
                let from = max(minute, Double(opensAt))
                if from < Double(closesAt) {
                    let window = Double(closesAt) - from
                    if remaining <= window { return instant(day, minute: from + remaining) }
                    remaining -= window
                }
            }
            day = day.adding(days: 1)
            minute = 0
        }
        return start.adding(seconds: minutes * 60)
    }

    /// Working minutes between two instants (zero when `end` is not after `start`).
    public func businessMinutes(from start: Instant, to end: Instant) -> Double {
        guard start < end else { return 0 }
        var (day, minute) = local(start)
        let (endDay, endMinute) = local(end)
        var total = 0.0
        while day <= endDay {
            if isWorkingDay(day) {
                let from = max(minute, Double(opensAt))
                let to = min(day == endDay ? endMinute : 1440, Double(closesAt))
                if to > from { total += to - from }
            }
            day = day.adding(days: 1)
            minute = 0
        }
        return total
    }
}

extension BusinessCalendar {
    /// Whether `instant` falls in working time (a working day, between opening and closing).
    public func isOpen(at instant: Instant) -> Bool {
        let (day, minute) = local(instant)
        return isWorkingDay(day) && minute >= Double(opensAt) && minute < Double(closesAt)
    }
}
