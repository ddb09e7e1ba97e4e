import Foundation

/// Dates and times as text without Foundation's formatters, which cost microseconds per
/// call on paths that run for every event (each CloudEvent's `time`, each SLA clock
/// stored, each order's dates). Only the forms Clearway writes and systems commonly send
/// are read here; anything else goes to Foundation's ISO 8601 parser unchanged.
enum TimeText {
    /// A non-negative `value` zero-padded to `width`, appended as ASCII digits.
    static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        let start = out.count
        var v = value
        repeat { out.append(UInt8(48 + v % 10)); v /= 10 } while v > 0
        while out.count - start < width { out.append(48) }
        out[start...].reverse()
    }

    /// `YYYY-MM-DD` for years 0…9999 (and two-digit months and days); nil otherwise, and
    /// the caller formats those itself.
    static func date(year: Int, month: Int, day: Int) -> String? {
        guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(10)
        appendDate(year: year, month: month, day: day, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendDate(year: Int, month: Int, day: Int, to out: inout [UInt8]) {
        append(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        append(day, width: 2, to: &out)
    }

    /// RFC 3339 in UTC, `2026-11-23T15:00:00Z`, with `.mmm` when the milliseconds are not
    /// zero, as Foundation's ISO 8601 style writes it, except that the milliseconds are
    /// exact (Foundation's go through a binary fraction and can print one less: .123 as
    /// .122). Nil outside years 1600…9999 (Foundation's calendar is Julian before 1582).
    static func iso8601(millis: Int64) -> String? {
        let (days, rest) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let dayNumber = Int(rest < 0 ? days - 1 : days), ms = Int(rest < 0 ? rest + 86_400_000 : rest)
        let date = LocalDate(dayNumber: dayNumber)
        guard (1600...9999).contains(date.year) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendDate(year: date.year, month: date.month, day: date.day, to: &out)
        out.append(UInt8(ascii: "T"))
        append(ms / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(ms / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(ms / 1000 % 60, width: 2, to: &out)
        if ms % 1000 != 0 {
            out.append(UInt8(ascii: "."))
            append(ms % 1000, width: 3, to: &out)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Milliseconds of `YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)` with every field in range (an
    /// offset of at most 18 hours, as Foundation accepts); nil for any other text, which
    /// Foundation then decides.
    static func parseISO8601(_ text: String) -> Int64? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 20 || utf8.count == 24 || utf8.count == 25 || utf8.count == 29 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                let b = utf8[i]
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { utf8[i] == c.asciiValue! }
        guard at(4, "-"), at(7, "-"), at(10, "T"), at(13, ":"), at(16, ":"),
              let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
              let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2),
              y >= 1600, (1...12).contains(mo), (1...LocalDate.daysIn(month: mo, year: y)).contains(d),
              h < 24, mi < 60, s < 60 else { return nil }
        var i = 19, ms = 0
        if at(i, ".") {
            guard utf8.count == 24 || utf8.count == 29, let f = number(20, 3) else { return nil }
            ms = f
            i = 23
        }
        var offsetMinutes = 0
        if utf8.count - i == 1 {
            guard at(i, "Z") else { return nil }
        } else {
            guard utf8.count - i == 6, at(i, "+") || at(i, "-"), at(i + 3, ":"),
                  let oh = number(i + 1, 2), let om = number(i + 4, 2), om < 60, oh * 60 + om <= 18 * 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (at(i, "-") ? -1 : 1)
        }
        let day = Int64(LocalDate(year: y, month: mo, day: d).dayNumber)
        return day * 86_400_000 + Int64(h * 3_600_000 + mi * 60_000 + s * 1000 + ms) - Int64(offsetMinutes) * 60_000
    }
}
