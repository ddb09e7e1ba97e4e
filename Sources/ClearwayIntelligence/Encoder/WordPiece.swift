import Foundation

/// BERT's uncased WordPiece tokenizer: cleans the text, lowercases and strips accents, splits
/// on whitespace and punctuation, then cuts each word into the longest pieces the vocabulary
/// has ("##" marks a piece inside a word). The same steps as the tokenizer the encoder was
/// trained with, so the encoder sees the ids it knows.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String]
    let ids: [String: Int32]
    public let unknown: Int32, start: Int32, end: Int32
    /// Longer words are one unknown piece, as in BERT.
    static let maxWordScalars = 100

    public enum VocabularyError: Error, Sendable, Hashable, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self { case .missing(let token): "the vocabulary has no \(token) token" }
        }
    }

    /// `vocabulary` is vocab.txt's lines: the line number is the id.
    public init(vocabulary: [String]) throws(VocabularyError) {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(vocabulary.count)
        for (i, token) in vocabulary.enumerated() where ids[token] == nil { ids[token] = Int32(i) }
        func id(_ token: String) throws(VocabularyError) -> Int32 {
            guard let id = ids[token] else { throw .missing(token) }
            return id
        }
        self.vocabulary = vocabulary; self.ids = ids
        unknown = try id("[UNK]"); start = try id("[CLS]"); end = try id("[SEP]")
    }

    /// The ids of `text` between [CLS] and [SEP], at most `maxTokens` in all.
    public func encode(_ text: String, maxTokens: Int) -> [Int32] {
        var out: [Int32] = [start]
        let room = max(maxTokens - 2, 0)
        // Every word is at least one piece, so no more words than pieces are read: a long
        // e-mail costs no more than its first few hundred words.
        for word in Self.words(text, limit: room) {
            if out.count - 1 >= room { break }
            pieces(of: word, into: &out)
        }
        if out.count - 1 > room { out.removeLast(out.count - 1 - room) }
        out.append(end)
        return out
    }

    /// Greedy longest-match-first pieces of one word; the whole word is [UNK] if any part
    /// has no piece.
    func pieces(of word: [Unicode.Scalar], into out: inout [Int32]) {
        guard word.count <= Self.maxWordScalars else { out.append(unknown); return }
        let mark = out.count
        var from = 0
        while from < word.count {
            var to = word.count, found: Int32?
            while to > from {
                var piece = from > 0 ? "##" : ""
                piece.unicodeScalars.append(contentsOf: word[from..<to])
                if let id = ids[piece] { found = id; break }
                to -= 1
            }
            guard let found else { out.removeLast(out.count - mark); out.append(unknown); return }
            out.append(found)
            from = to
        }
    }

    /// The normalised words and punctuation marks of `text`, as BERT's basic tokenizer
    /// splits them.
    static func words(_ text: String, limit: Int = .max) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = [], word: [Unicode.Scalar] = []
        func flush() { if !word.isEmpty { words.append(word); word.removeAll(keepingCapacity: true) } }
        for scalar in text.unicodeScalars {
            if words.count > limit { break }
            // A run of letters longer than any word is one unknown piece; stop growing it.
            if word.count > maxWordScalars, !isSpace(scalar), !isPunctuation(scalar), !isIdeograph(scalar.value) { continue }
            let v = scalar.value
            if v == 0 || v == 0xFFFD || (isControl(scalar) && !isSpace(scalar)) { continue }
            if isSpace(scalar) { flush(); continue }
            if isIdeograph(v) { flush(); words.append([scalar]); continue }
            func take(_ folded: Unicode.Scalar) {
                if isPunctuation(folded) { flush(); words.append([folded]) } else { word.append(folded) }
            }
            // ASCII, nearly all of a message, is lowercased in place; the rest through Unicode.
            if scalar.isASCII { take((65...90).contains(v) ? Unicode.Scalar(v + 32)! : scalar); continue }
            for folded in fold(scalar) { take(folded) }
        }
        flush()
        return words
    }

    /// Lowercased, decomposed, without combining marks.
    static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let lower = String(scalar).lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        return lower.filter { $0.properties.generalCategory != .nonspacingMark }
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0D: true
        default: s.properties.generalCategory == .spaceSeparator
        }
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: true
        default: false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isIdeograph(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
