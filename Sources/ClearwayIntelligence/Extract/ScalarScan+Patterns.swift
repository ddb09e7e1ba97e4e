/// The extractor's patterns, each a try at one place where a word starts. A try reads a
/// window of bounded length, or a run (spaces, letters, digits) that no other try of the
/// same pattern starts inside, so each pattern reads the text a bounded number of times.
/// The comments give each pattern as the regular expression it is equivalent to (on ASCII
/// digits and simple word boundaries), which `ExtractorSafetyTests` checks on generated text.
extension ScalarScan {
    static let orderPrefixes = ["so", "po", "ord", "order"]
    static let orderWords = ["no", "number", "num", "#"]
    static let units: Set<String> = [
        "unit", "units", "pcs", "piece", "pieces", "case", "cases", "cs", "boxes", "box", "pallet", "pallets",
        "roll", "rolls", "ea", "each", "carton", "cartons", "bag", "bags", "ft", "feet", "drum", "drums", "spool", "spools",
    ]
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let daySuffixes = ["st", "nd", "rd", "th"]

    /// `(?i)\b(SO|PO|ORD|ORDER)[-#: ]?(\d{3,12})\b` and
    /// `(?i)\border\s*(?:no\.?|number|num\.?|#)?\s*:?\s*#?\s*(\d{4,12})\b`.
    mutating func orderNumbers() -> [String] {
        let prefixed = matches(where: { $0.isLetter($1) }) { scan, i -> (end: Int, value: String)? in
            for prefix in Self.orderPrefixes where scan.spells(prefix, at: i) {
                var k = i + prefix.count
                if let c = scan.at(k), "-#: ".unicodeScalars.contains(c) { k += 1 }
                guard let end = scan.digits(from: k, 3...12) else { continue }
                let number = scan.text(k..<end)
                return (end, prefix == "order" ? number : "\(prefix.uppercased())-\(number)")
            }
            return nil
        }
        let spelled = matches(where: { $0.isLetter($1) }) { scan, i -> (end: Int, value: String)? in
            guard scan.spells("order", at: i) else { return nil }
            var k = scan.skipSpaces(i + 5)
            if let word = scan.firstSpelled(Self.orderWords, at: k) {
                k += word.count
                if word == "no" || word == "num", scan.isScalar(k, ".") { k += 1 }
            }
            k = scan.skipSpaces(k)
            if scan.isScalar(k, ":") { k += 1 }
            k = scan.skipSpaces(k)
            if scan.isScalar(k, "#") { k += 1 }
            k = scan.skipSpaces(k)
            guard let end = scan.digits(from: k, 4...12) else { return nil }
            return (end, scan.text(k..<end))
        }
        return MessageExtractor.unique(prefixed.map(\.value) + spelled.map(\.value))
    }

    /// `\b([A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]{1,10}){1,3})\b`, less order numbers and words
    /// without a digit.
    mutating func skus(excluding orders: [String]) -> [String] {
        let excluded = Set(orders)
        let found = matches(where: { $0.isUpper($1) }) { scan, i -> (end: Int, value: String)? in
            let first = scan.run(from: i, limit: 10) { $0.isUpperOrDigit($1) }
            guard (2...10).contains(first) else { return nil }
            var end = i + first
            var matched: Int?
            for _ in 1...3 {
                guard scan.isScalar(end, "-") else { break }
                let part = scan.run(from: end + 1, limit: 10) { $0.isUpperOrDigit($1) }
                guard (1...10).contains(part) else { break }
                end += 1 + part
                guard scan.wordEnds(before: end) else { break }
                matched = end
            }
            return matched.map { ($0, scan.text(i..<$0)) }
        }
        return MessageExtractor.unique(found.map(\.value).filter { candidate in
            candidate.contains(where: \.isNumber) && !excluded.contains(candidate)
                && !["SO", "PO", "ORD"].contains(candidate.split(separator: "-").first.map(String.init) ?? "")
        })
    }

    /// `(?i)\b(\d{1,7}(?:\.\d+)?)\s*(units?|pcs|pieces?|cases?|…|spools?)\b`.
    mutating func quantities() -> [String] {
        let found = matches(where: { $0.isDigit($1) }) { scan, i -> (end: Int, value: String)? in
            let whole = scan.run(from: i, limit: 7) { $0.isDigit($1) }
            guard (1...7).contains(whole) else { return nil }
            var k = i + whole
            if scan.isScalar(k, "."), scan.isDigit(k + 1) { k += 1 + scan.run(from: k + 1) { $0.isDigit($1) } }
            let number = scan.text(i..<k)
            let unitStart = scan.skipSpaces(k)
            let length = scan.run(from: unitStart, limit: 7) { $0.isWord($1) }
            guard length <= 7 else { return nil }
            let unit = scan.text(unitStart..<(unitStart + length)).lowercased()
            guard Self.units.contains(unit) else { return nil }
            return (unitStart + length, "\(number) \(unit)")
        }
        return MessageExtractor.unique(found.map(\.value))
    }

    mutating func skipSpaces(_ i: Int) -> Int { i + run(from: i) { $0.isSpace($1) } }

    /// The end of a run of `lengths` ASCII digits from `i` that ends a word, or nil.
    mutating func digits(from i: Int, _ lengths: ClosedRange<Int>) -> Int? {
        let n = run(from: i, limit: lengths.upperBound) { $0.isDigit($1) }
        guard lengths.contains(n), wordEnds(before: i + n) else { return nil }
        return i + n
    }
}
