/// Splits a text into the n-grams a classifier counts, the way scikit-learn's
/// `TfidfVectorizer` does, so the two can be compared feature for feature:
/// - words: lower-cased runs of two or more letters, digits or underscores, in n-grams
///   joined by one space (`token_pattern=r"(?u)\b\w\w+\b"`);
/// - characters within words (`analyzer="char_wb"`): each whitespace-separated word padded
///   with a space on both sides, cut into n-grams; a word shorter than n counts once whole.
///
/// An n-gram is identified by a 64-bit FNV-1a hash of its Unicode scalars, so counting
/// allocates no strings; the visitor spells one out only when it needs the text.
public struct TextAnalyzer: Sendable, Hashable, Codable {
    public var wordNGrams: ClosedRange<Int>
    public var charNGrams: ClosedRange<Int>

    public init(wordNGrams: ClosedRange<Int> = 1...2, charNGrams: ClosedRange<Int> = 2...4) {
        self.wordNGrams = wordNGrams; self.charNGrams = charNGrams
    }

    /// The two feature blocks, each weighted and normalised on its own.
    public enum Block: Int, Sendable, Codable { case words = 0, chars = 1 }

    /// Calls `visit` once per n-gram occurrence with its block, its hash and a function that
    /// spells it out (called only when the text is needed: training keeps one spelling per
    /// feature, for the model card).
    public func analyze(_ text: String, _ visit: (Block, UInt64, () -> String) -> Void) {
        let scalars = Array(text.lowercased().unicodeScalars)
        wordGrams(scalars, visit)
        charGrams(scalars, visit)
    }

    func wordGrams(_ s: [Unicode.Scalar], _ visit: (Block, UInt64, () -> String) -> Void) {
        var tokens: [Range<Int>] = []
        var i = 0
        while i < s.count {
            guard Self.isWord(s[i]) else { i += 1; continue }
            let start = i
            while i < s.count, Self.isWord(s[i]) { i += 1 }
            if i - start >= 2 { tokens.append(start..<i) }
        }
        for n in wordNGrams where n <= tokens.count {
            for first in 0...(tokens.count - n) {
                var h = FNV.offset
                for t in first..<(first + n) {
                    if t > first { h = FNV.mix(h, 32) }
                    for k in tokens[t] { h = FNV.mix(h, s[k].value) }
                }
                visit(.words, h) { tokens[first..<(first + n)].map { Self.text(s[$0]) }.joined(separator: " ") }
            }
        }
    }

    func charGrams(_ s: [Unicode.Scalar], _ visit: (Block, UInt64, () -> String) -> Void) {
        var padded: [UInt32] = []
        var i = 0
        while i < s.count {
            guard !Self.isSpace(s[i]) else { i += 1; continue }
            padded.removeAll(keepingCapacity: true)
            padded.append(32)
            while i < s.count, !Self.isSpace(s[i]) { padded.append(s[i].value); i += 1 }
            padded.append(32)
            for n in charNGrams {
                var offset = 0
                emit(padded, 0, min(n, padded.count), visit)
                while offset + n < padded.count {
                    offset += 1
                    emit(padded, offset, offset + n, visit)
                }
                if offset == 0 { break }
            }
        }
    }

    @inline(__always) func emit(_ p: [UInt32], _ from: Int, _ to: Int, _ visit: (Block, UInt64, () -> String) -> Void) {
        var h = FNV.offset
        for k in from..<to { h = FNV.mix(h, p[k]) }
        visit(.chars, h) { String(String.UnicodeScalarView(p[from..<to].compactMap(Unicode.Scalar.init))) }
    }

    /// The hash of a spelled-out n-gram, as `analyze` computes it (word n-grams are spelled
    /// with single spaces, which hash like the separator).
    public static func hash(_ term: String) -> UInt64 {
        term.unicodeScalars.reduce(FNV.offset) { FNV.mix($0, $1.value) }
    }

    @inline(__always) static func isWord(_ c: Unicode.Scalar) -> Bool {
        if c.value < 128 { return ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || ("A"..."Z").contains(c) }
        return c.properties.isAlphabetic || c.properties.numericType != nil
    }

    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 128 { return c == " " || (9...13).contains(c.value) }
        return c.properties.isWhitespace
    }

    static func text(_ r: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(r)) }
}

/// FNV-1a over 32-bit code points.
enum FNV {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func mix(_ h: UInt64, _ v: UInt32) -> UInt64 {
        var h = h
        h = (h ^ UInt64(v & 0xFF)) &* 0x100_0000_01b3
        h = (h ^ UInt64((v >> 8) & 0xFF)) &* 0x100_0000_01b3
        if v > 0xFFFF { h = (h ^ UInt64(v >> 16)) &* 0x100_0000_01b3 }
        return h
    }
}
