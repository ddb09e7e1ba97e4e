/// A text's Unicode scalars with the character classes the extractor asks about. Every
/// look at a scalar is counted, so a test can prove that reading a message costs work in
/// proportion to its length: the extractor never goes back over what it has read, except
/// within a window of bounded size.
struct ScalarScan {
    private let scalars: [Unicode.Scalar]
    /// Scalars looked at so far.
    private(set) var looks = 0

    init(_ text: Substring) { scalars = Array(text.unicodeScalars) }

    var count: Int { scalars.count }

    /// The scalar at `i`, or nil outside the text.
    mutating func at(_ i: Int) -> Unicode.Scalar? {
        guard i >= 0, i < scalars.count else { return nil }
        looks += 1
        return scalars[i]
    }

    /// A word character, as a regular expression's `\w` reads it: letters, digits, marks
    /// and the underscore.
    mutating func isWord(_ i: Int) -> Bool {
        guard let c = at(i) else { return false }
        if c.isASCII { return c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" }
        let p = c.properties
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation, .decimalNumber: return true
        default: return p.isAlphabetic
        }
    }

    /// A word starts at `i`: nothing, or no word character, stands before it.
    mutating func wordStarts(at i: Int) -> Bool { !isWord(i - 1) }

    /// A word ends before `i`: nothing, or no word character, stands at `i`.
    mutating func wordEnds(before i: Int) -> Bool { !isWord(i) }

    mutating func isDigit(_ i: Int) -> Bool { at(i).map { ("0"..."9").contains($0) } ?? false }

    mutating func isLetter(_ i: Int) -> Bool {
        at(i).map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ?? false
    }

    mutating func isUpper(_ i: Int) -> Bool { at(i).map { ("A"..."Z").contains($0) } ?? false }

    mutating func isUpperOrDigit(_ i: Int) -> Bool { isUpper(i) || isDigit(i) }

    mutating func isSpace(_ i: Int) -> Bool { at(i)?.properties.isWhitespace ?? false }

    mutating func isScalar(_ i: Int, _ c: Unicode.Scalar) -> Bool { at(i) == c }

    /// How many scalars from `i` satisfy `test`, looking at no more than `limit + 1`, so a
    /// caller that needs at most `limit` learns that a run is too long without reading it all.
    mutating func run(from i: Int, limit: Int = .max, _ test: (inout ScalarScan, Int) -> Bool) -> Int {
        var n = 0
        while n <= limit, test(&self, i + n) { n += 1 }
        return n
    }

    /// The scalars from `i` spell `word`, ignoring ASCII case (`word` is lower-case ASCII).
    mutating func spells(_ word: String, at i: Int) -> Bool {
        for (k, w) in word.unicodeScalars.enumerated() {
            guard let c = at(i + k), c.isASCII, Self.lower(c) == w else { return false }
        }
        return true
    }

    /// The first of `words` spelled at `i`, ignoring ASCII case.
    mutating func firstSpelled(_ words: [String], at i: Int) -> String? {
        words.first { spells($0, at: i) }
    }

    func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c
    }
}
