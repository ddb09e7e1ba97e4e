@testable import ClearwayCore
import Foundation
import Testing

/// Times and dates are written and read without Foundation's formatters on the hot paths;
/// every result must be exactly Foundation's.
@Suite("Time as text")
struct TimeTextTests {
    static func foundationText(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: millis % 1000 != 0))
    }

    /// Foundation's text of the whole second, with the exact milliseconds (Foundation's own
    /// can print one less: its fraction goes through binary floating point).
    static func expectedText(_ millis: Int64) -> String {
        let ms = (millis % 1000 + 1000) % 1000
        let whole = foundationText(millis - ms)
        return ms == 0 ? whole : whole.dropLast() + "." + String(format: "%03d", ms) + "Z"
    }

    static func foundationParse(_ text: String) -> Int64? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return Instant(d).millis }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return Instant(d).millis }
        return nil
    }

    @Test("an instant is written as Foundation's ISO 8601 style writes it, with exact milliseconds, before and after 1970")
    func writesAsFoundation() {
        var rng = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, -1, 1, 999, 1000, -1000, 86_399_999, -86_400_000, 951_782_400_000, 1_796_083_200_123, 253_402_300_799_999,
                              -11_676_096_000_000, -12_000_000_000_000, -30_610_224_000_000]
        let samples = edges + (0..<5_000).map { k in
            let m = Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &rng)
            return k % 2 == 0 ? m - m % 1000 : m
        }
        for millis in samples {
            let text = Instant(millis: millis).iso8601
            #expect(text == Self.expectedText(millis), "\(millis)")
            #expect(Instant(iso8601: text)?.millis == millis, "\(text) reads back to the same instant")
        }
    }

    @Test("text in the forms systems send reads to Foundation's instant; other forms still go to Foundation")
    func readsAsFoundation() {
        var rng = SystemRandomNumberGenerator()
        var texts = ["2026-11-23T15:00:00Z", "2026-11-23T15:00:00.250Z", "2024-02-29T23:59:59.999Z", "2026-11-23T15:00:00+05:30",
                     "2026-11-23T15:00:00.001-08:00", "2026-11-23T15:00:00+00:00", "1999-12-31T23:59:59-23:59", "1999-12-31T23:59:59+18:00", "1999-12-31T23:59:59+18:01", "1999-12-31T23:59:59+01:60",
                     // Out of range or other forms: Foundation decides, as before.
                     "2025-02-29T10:00:00Z", "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T15:60:00Z",
                     "2026-11-23T15:00:60Z", "2026-11-23T15:00:00.5Z", "2026-11-23T15:00:00.123456Z", "2026-11-23 15:00:00Z",
                     "2026-11-23T15:00:00z", "2026-11-23T15:00:00+0530", "2026-11-23t15:00:00Z", "20261123T150000Z",
                     "2026-11-23T15:00:00", "０２６-11-23T15:00:00Z", "", "2026-11-23T15:00:00+24:00", "0999-01-01T00:00:00Z"]
        for _ in 0..<3_000 {
            let millis = Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &rng)
            texts.append(Self.expectedText(millis))
        }
        for text in texts {
            #expect(Instant(iso8601: text)?.millis == Self.foundationParse(text), "\(text)")
        }
        let common = TimeText.parseISO8601("2026-11-23T15:00:00.250Z")
        #expect(common != nil && common == Self.foundationParse("2026-11-23T15:00:00.250Z"), "the fast path reads the common form itself")
        #expect(TimeText.parseISO8601("2026-11-23T15:00:00.5Z") == nil, "an unusual fraction is left to Foundation")
    }

    @Test("a calendar date is written as YYYY-MM-DD, zero-padded, as before")
    func datesAsBefore() {
        for (y, m, d) in [(2026, 1, 2), (999, 12, 31), (1, 1, 1), (9999, 9, 9), (0, 1, 1), (10_000, 1, 1), (-5, 3, 4), (2026, 100, 1)] {
            #expect(LocalDate(year: y, month: m, day: d).description == String(format: "%04d-%02d-%02d", y, m, d), "\(y)-\(m)-\(d)")
        }
    }
}
