/// Dates in a customer's text, in the order they are mentioned. Where a pattern offers
/// choices (one digit or two, a suffix or none), the choices are tried in the order a
/// regular expression tries them; each try reads a window of at most a dozen scalars
/// beyond the spaces and letters it skips.
extension ScalarScan {
    mutating func dates() -> [String] {
        var found: [(at: Int, pattern: Int, text: String)] = []
        for m in isoDates() { found.append((m.at, 0, m.value)) }
        for m in numericDates() { found.append((m.at, 1, m.value)) }
        for m in monthDays() { found.append((m.at, 2, m.value)) }
        for m in dayMonths() { found.append((m.at, 3, m.value)) }
        found.sort { ($0.at, $0.pattern) < ($1.at, $1.pattern) }
        return MessageExtractor.unique(found.map(\.text))
    }

    /// `\b(20\d{2}-[01]\d-[0-3]\d)\b`.
    mutating func isoDates() -> [(at: Int, value: String)] {
        matches(where: { $0.isScalar($1, "2") }) { scan, i -> (end: Int, value: String)? in
            guard scan.isScalar(i + 1, "0"), scan.isDigit(i + 2), scan.isDigit(i + 3), scan.isScalar(i + 4, "-"),
                  scan.isIn(i + 5, "01"), scan.isDigit(i + 6), scan.isScalar(i + 7, "-"),
                  scan.isIn(i + 8, "0123"), scan.isDigit(i + 9), scan.wordEnds(before: i + 10) else { return nil }
            return (i + 10, scan.text(i..<(i + 10)))
        }
    }

    /// `\b([01]?\d\/[0-3]?\d(?:\/(?:20)?\d{2})?)\b`.
    mutating func numericDates() -> [(at: Int, value: String)] {
        matches(where: { $0.isDigit($1) }) { scan, i -> (end: Int, value: String)? in
            for month in scan.leadingDigits(i, "01") where scan.isScalar(i + month, "/") {
                let day = i + month + 1
                for dayLength in scan.leadingDigits(day, "0123") {
                    let e = day + dayLength
                    var ends: [Int] = []
                    if scan.isScalar(e, "/") {
                        if scan.isScalar(e + 1, "2"), scan.isScalar(e + 2, "0"), scan.isDigit(e + 3), scan.isDigit(e + 4) { ends.append(e + 5) }
                        if scan.isDigit(e + 1), scan.isDigit(e + 2) { ends.append(e + 3) }
                    }
                    ends.append(e)
                    if let end = ends.first(where: { scan.wordEnds(before: $0) }) { return (end, scan.text(i..<end)) }
                }
            }
            return nil
        }
    }

    /// `(?i)\b((?:jan|feb|…|dec)[a-z]*\.?\s+[0-3]?\d(?:st|nd|rd|th)?)\b`.
    mutating func monthDays() -> [(at: Int, value: String)] {
        matches(where: { $0.isLetter($1) }) { scan, i -> (end: Int, value: String)? in
            guard scan.firstSpelled(Self.months, at: i) != nil else { return nil }
            var k = i + scan.run(from: i) { $0.isLetter($1) }
            if scan.isScalar(k, ".") { k += 1 }
            let spaces = scan.run(from: k) { $0.isSpace($1) }
            guard spaces > 0 else { return nil }
            k += spaces
            for dayLength in scan.leadingDigits(k, "0123") {
                for end in scan.suffixed(k + dayLength) where scan.wordEnds(before: end) {
                    return (end, scan.text(i..<end))
                }
            }
            return nil
        }
    }

    /// `(?i)\b([0-3]?\d(?:st|nd|rd|th)?\s+(?:jan|feb|…|dec)[a-z]*)\b`.
    mutating func dayMonths() -> [(at: Int, value: String)] {
        matches(where: { $0.isDigit($1) }) { scan, i -> (end: Int, value: String)? in
            for dayLength in scan.leadingDigits(i, "0123") {
                for afterDay in scan.suffixed(i + dayLength) {
                    let spaces = scan.run(from: afterDay) { $0.isSpace($1) }
                    let month = afterDay + spaces
                    guard spaces > 0, scan.firstSpelled(Self.months, at: month) != nil else { continue }
                    let end = month + scan.run(from: month) { $0.isLetter($1) }
                    if scan.wordEnds(before: end) { return (end, scan.text(i..<end)) }
                }
            }
            return nil
        }
    }

    /// `[first]?\d` at `i`: the lengths to try, two digits first.
    mutating func leadingDigits(_ i: Int, _ first: String) -> [Int] {
        var lengths: [Int] = []
        if isIn(i, first), isDigit(i + 1) { lengths.append(2) }
        if isDigit(i) { lengths.append(1) }
        return lengths
    }

    /// `(?:st|nd|rd|th)?` at `i`: where it may end, with the suffix first.
    mutating func suffixed(_ i: Int) -> [Int] {
        firstSpelled(Self.daySuffixes, at: i) != nil ? [i + 2, i] : [i]
    }

    mutating func isIn(_ i: Int, _ set: String) -> Bool { at(i).map { set.unicodeScalars.contains($0) } ?? false }
}
