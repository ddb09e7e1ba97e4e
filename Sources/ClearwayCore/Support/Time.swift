import Foundation

/// A point in time in milliseconds since 1970 (UTC). Stored as an integer so both
/// databases sort and compare it the same way.
public struct Instant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(_ date: Date) { millis = Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    public var date: Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    public static func < (a: Instant, b: Instant) -> Bool { a.millis < b.millis }
    /// Saturates at ±292 million years instead of trapping, so no input can crash a server.
    public func adding(seconds: Double) -> Instant {
        let delta = (seconds * 1000).rounded()
        guard delta.isFinite, abs(delta) < 9.0e18 else { return Instant(millis: delta > 0 || delta.isNaN ? Int64.max / 2 : Int64.min / 2) }
        let (sum, overflow) = millis.addingReportingOverflow(Int64(delta))
        return overflow ? Instant(millis: delta > 0 ? Int64.max / 2 : Int64.min / 2) : Instant(millis: sum)
    }
    public func seconds(since other: Instant) -> Double { Double(millis - other.millis) / 1000 }

    public init?(iso8601 text: String) {
        if let millis = TimeText.parseISO8601(text) { self.init(millis: millis); return }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let d = try? withFraction.parse(text) { self.init(d); return }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { self.init(d); return }
        return nil
    }

    public var iso8601: String {
        TimeText.iso8601(millis: millis) ?? date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: millis % 1000 != 0))
    }

    public var description: String { iso8601 }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = Instant(iso8601: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 timestamp")
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso8601)
    }
}

/// A calendar date without a time zone (ship dates, promise dates, holidays).
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...LocalDate.daysIn(month: m, year: y)).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String { TimeText.date(year: year, month: month, day: day) ?? String(format: "%04d-%02d-%02d", year, month, day) }

    /// Days since 1970-01-01 (proleptic Gregorian), for date arithmetic without time zones.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let v = LocalDate(try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD date")
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Where logic reads the time. Production uses the system clock; tests and the simulator
/// move a manual clock, so SLA timers are proven without waiting.
public protocol BusinessClock: Sendable {
    func now() -> Instant
}
