import ClearwayCore

/// ISO 8601 timestamps as event logs write them: `2019-05-20 07:07:47.000Z`,
/// `2019-05-20T07:07:47Z`, `2019-05-20T09:07:47+02:00`, or a bare date. A time without a
/// zone is taken as UTC, as pm4py does. Parsed by hand: logs hold millions of them.
public enum LogTimestamp {
    /// Milliseconds since 1970-01-01 UTC, or nil when the text is not such a timestamp.
    public static func milliseconds(_ text: ArraySlice<UInt8>) -> Int64? {
        text.withUnsafeBufferPointer { milliseconds(buffer: $0) }
    }

    public static func milliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { milliseconds(buffer: $0) }
    }

    static func milliseconds(buffer raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        var lo = 0, hi = raw.count
        while lo < hi, raw[lo] == 0x20 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 { hi -= 1 }
        let bytes = UnsafeBufferPointer(rebasing: raw[lo..<hi])
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for k in i..<(i + count) {
                let b = bytes[k]
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            i += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
              (1...12).contains(month), (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = 0, millis = 0, offset = 0
        if i < bytes.count, bytes[i] == 0x54 || bytes[i] == 0x20 {
            i += 1
            guard let hour = number(2), expect(0x3A), let minute = number(2), hour < 24, minute < 60 else { return nil }
            var second = 0
            if expect(0x3A) {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if expect(0x2E) {
                    var digits = 0
                    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                        if digits < 3 { millis = millis * 10 + Int(bytes[i] - 0x30) }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 3) { millis *= 10 }
                }
            }
            seconds = hour * 3600 + minute * 60 + second
            if i < bytes.count {
                if bytes[i] == 0x5A { i += 1 } else if bytes[i] == 0x2B || bytes[i] == 0x2D {
                    let sign = bytes[i] == 0x2B ? 1 : -1
                    i += 1
                    guard let oh = number(2) else { return nil }
                    _ = expect(0x3A)
                    let om = number(2) ?? 0
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
        }
        guard i == bytes.count else { return nil }
        let days = LocalDate(year: year, month: month, day: day).dayNumber
        return (Int64(days) * 86_400 + Int64(seconds - offset)) * 1000 + Int64(millis)
    }

    /// `2019-05-20T07:07:47.000Z`, the form OCEL 2.0 JSON writes.
    public static func iso8601(milliseconds ms: Int64) -> String {
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        let date = LocalDate(dayNumber: Int(days))
        let (y, m, d) = (date.year, date.month, date.day)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}
