/// Reads X12: finds the delimiters in the ISA segment, splits segments, builds
/// interchanges, groups and transaction sets, and checks the envelopes (control numbers,
/// counts, versions, the group's functional id) and the element syntax of the segments
/// Clearway reads. A document that cannot be read at all throws; everything else that is
/// wrong is returned as problems, each naming the segment position, id and element, so a
/// 997 can report them and a partner can fix them.
public enum X12Parser {
    /// Versions Clearway reads (GS08's first six digits).
    public static let versions = 3010...5010

    public static func parse(_ text: String) throws(X12Problem) -> (X12Document, [X12Problem]) {
        var body = Substring(text)
        while let first = body.first, first == "\u{FEFF}" || first.isWhitespace { body = body.dropFirst() }
        // "\r\n" is one Character in Swift; X12 is read one Unicode scalar at a time.
        guard body.hasPrefix("ISA") else { throw X12Problem(.interchange, position: 1, segment: "ISA", "an X12 document starts with an ISA segment") }
        if let unwrapped = unwrapped(body) { body = unwrapped }
        let delimiters = try readDelimiters(body)
        let (segments, lineBreaks) = tokenize(body, delimiters)
        var reader = EnvelopeReader(segments: segments, delimiters: delimiters)
        let document = reader.read()
        return (document, lineBreaks + reader.problems)
    }

    /// Splits segments and elements on the UTF-8 bytes: X12 delimiters are single ASCII
    /// characters, and working on bytes instead of Characters (grapheme clusters) is several
    /// times faster. Line breaks around segments are layout; inside an element they mean a
    /// terminator is missing, which is reported.
    static func tokenize(_ body: Substring, _ d: X12Delimiters) -> ([X12Segment], [X12Problem]) {
        let cr: UInt8 = 13, lf: UInt8 = 10, space: UInt8 = 32, tab: UInt8 = 9
        let terminator: UInt8 = d.segment == "\r\n" ? lf : d.segment.asciiValue ?? UInt8(ascii: "~")
        let separator = d.element.asciiValue ?? UInt8(ascii: "*")
        let newlineTerminated = terminator == lf || terminator == cr
        var segments: [X12Segment] = []
        var problems: [X12Problem] = []
        let bytes = Array(body.utf8)
        var start = 0
        func text(_ lo: Int, _ hi: Int) -> String {
            bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[lo..<hi]), as: UTF8.self) }
        }
        func emit(_ lower: Int, _ upper: Int) {
            var lo = lower, hi = upper
            while lo < hi, bytes[lo] == cr || bytes[lo] == lf { lo += 1 }
            while hi > lo, bytes[hi - 1] == cr || bytes[hi - 1] == lf { hi -= 1 }
            if bytes[lo..<hi].allSatisfy({ $0 == space || $0 == tab || $0 == cr || $0 == lf }) { return }
            var fields: [String] = []
            var fieldStart = lo
            var brokenAt: Int?
            for i in lo...hi {
                if i == hi || bytes[i] == separator {
                    if fields.isEmpty {
                        // The segment id, without the spaces or tabs some senders indent it with.
                        var a = fieldStart, b = i
                        while a < b, bytes[a] == space || bytes[a] == tab { a += 1 }
                        while b > a, bytes[b - 1] == space || bytes[b - 1] == tab { b -= 1 }
                        fields.append(text(a, b))
                    } else {
                        fields.append(text(fieldStart, i))
                    }
                    fieldStart = i + 1
                } else if brokenAt == nil, bytes[i] == lf || bytes[i] == cr {
                    brokenAt = fields.count
                }
            }
            let id = fields.removeFirst()
            let position = segments.count + 1
            if id != "ISA", !newlineTerminated, let n = brokenAt, n >= 1 {
                problems.append(X12Problem(.segment, position: position, segment: id, element: n, code: "8",
                                           "contains a line break: a segment terminator ('\(d.segment)') is probably missing"))
            }
            segments.append(X12Segment(id, fields, position: position))
        }
        for i in bytes.indices where bytes[i] == terminator {
            emit(start, i)
            start = i + 1
        }
        if start < bytes.count { emit(start, bytes.count) }
        return (segments, problems)
    }

    /// A document wrapped at a fixed width (80 columns is common for VANs) with the line breaks
    /// falling anywhere, as one line: every line but the last is the same length, of at least
    /// 40 characters, and once joined the segment terminator is not a line break. Translators
    /// remove such line breaks before parsing; nil when the document is not wrapped this way.
    static func unwrapped(_ body: Substring) -> Substring? {
        let lines = body.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        guard lines.count >= 2, let width = lines.first?.utf8.count, width >= 40,
              lines.dropLast().allSatisfy({ $0.utf8.count == width }), (lines.last?.utf8.count ?? 0) <= width else { return nil }
        let joined = Substring(lines.joined())
        guard let d = try? readDelimiters(joined), !d.segment.isNewline else { return nil }
        return joined
    }

    /// The transaction sets Clearway reads or writes; others are refused at intake.
    public static let supported: Set<String> = ["850", "855", "856", "810", "997"]

    /// Problems for transaction sets Clearway does not read (a 997 reports them as "not supported").
    public static func unsupported(_ document: X12Document) -> [X12Problem] {
        document.transactions.filter { !supported.contains($0.code) }.map {
            X12Problem(.transaction, position: $0.position, segment: "ST", element: 1, code: "1",
                       "transaction set \($0.code) is not one Clearway reads (\(supported.sorted().joined(separator: ", ")))")
        }
    }

    /// ISA is fixed in form: the element separator is its fourth character, ISA16 is the
    /// sub-element separator and the character after it ends the segment. Field widths are
    /// not trusted (many partners pad them wrongly), only the sixteen separators.
    static func readDelimiters(_ text: Substring) throws(X12Problem) -> X12Delimiters {
        guard text.count > 4, let index0 = text.index(text.startIndex, offsetBy: 3, limitedBy: text.endIndex), index0 < text.endIndex else {
            throw X12Problem(.interchange, position: 1, segment: "ISA", "the ISA segment is cut short")
        }
        var index = index0
        let element = text[index]
        guard !element.isLetter, !element.isNumber, !element.isWhitespace else {
            throw X12Problem(.interchange, position: 1, segment: "ISA", "the element separator (4th character) must not be a letter, digit or space, found '\(element)'")
        }
        var seen = 0
        var isa11 = ""
        var isa12 = ""
        var current = ""
        while index < text.endIndex, seen < 16 {
            let c = text[index]
            if c == element {
                seen += 1
                if seen == 12 { isa11 = current }
                if seen == 13 { isa12 = current }
                current = ""
            } else { current.append(c) }
            index = text.index(after: index)
        }
        guard seen == 16, index < text.endIndex else { throw X12Problem(.interchange, position: 1, segment: "ISA", "the ISA segment must have 16 elements") }
        var sub = text[index]
        let after = text.index(after: index)
        guard after < text.endIndex else { throw X12Problem(.interchange, position: 1, segment: "ISA", element: 16, "no segment terminator follows ISA16") }
        var terminator = text[after]
        // `…*T*~` then a line break: ISA16 is missing and `~` ends the segment, which the
        // next segment confirms by ending the same way.
        if terminator.isNewline {
            let next = text[after...].drop { $0.isNewline }
            if let lineEnd = next.firstIndex(where: { $0.isNewline }), next[..<lineEnd].last == sub {
                terminator = sub
                sub = element == ">" ? ":" : ">"
            }
        }
        guard sub != element, terminator != element, terminator != sub else {
            throw X12Problem(.interchange, position: 1, segment: "ISA", element: 16, "the element, sub-element and segment delimiters must differ")
        }
        let repetition: Character? = (Int(isa12) ?? 0) >= 402 && isa11.count == 1 ? isa11.first : nil
        return X12Delimiters(element: element, subElement: sub, segment: terminator, repetition: repetition)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.last?.isNewline == true { s.removeLast() }
        return s
    }
}

/// Walks the segments into envelopes, recording every envelope problem.
struct EnvelopeReader {
    let segments: [X12Segment]
    let delimiters: X12Delimiters
    var problems: [X12Problem] = []
    var index = 0

    init(segments: [X12Segment], delimiters: X12Delimiters) { self.segments = segments; self.delimiters = delimiters }

    mutating func read() -> X12Document {
        var interchanges: [X12Interchange] = []
        while index < segments.count {
            let s = segments[index]
            if s.id == "ISA" {
                interchanges.append(readInterchange())
            } else {
                problems.append(X12Problem(.interchange, position: s.position, segment: s.id, "\(s.id) outside an interchange (expected ISA)"))
                index += 1
            }
        }
        return X12Document(interchanges: interchanges)
    }

    mutating func readInterchange() -> X12Interchange {
        let isa = segments[index]
        index += 1
        X12Syntax.checkISA(isa, into: &problems)
        var groups: [X12Group] = []
        while index < segments.count {
            let s = segments[index]
            switch s.id {
            case "GS": groups.append(readGroup())
            case "ISB", "ISE", "TA1": index += 1
            case "IEA":
                index += 1
                expectCount(s, 1, groups.count, what: "functional groups", level: .interchange, code: nil)
                expectControl(s, 2, isa[13], header: "ISA13", level: .interchange)
                return X12Interchange(isa: isa, delimiters: delimiters, groups: groups)
            case "ISA":
                problems.append(X12Problem(.interchange, position: s.position, segment: "ISA", "interchange \(isa[13] ?? "?") has no IEA before the next ISA"))
                return X12Interchange(isa: isa, delimiters: delimiters, groups: groups)
            default:
                problems.append(X12Problem(.interchange, position: s.position, segment: s.id, "\(s.id) outside a functional group (expected GS or IEA)"))
                index += 1
            }
        }
        problems.append(X12Problem(.interchange, position: isa.position, segment: "ISA", "interchange \(isa[13] ?? "?") has no IEA trailer"))
        return X12Interchange(isa: isa, delimiters: delimiters, groups: groups)
    }

    mutating func readGroup() -> X12Group {
        let gs = segments[index]
        index += 1
        X12Syntax.checkGS(gs, into: &problems)
        var transactions: [X12Transaction] = []
        while index < segments.count {
            let s = segments[index]
            switch s.id {
            case "ST":
                // GS01 is not matched against ST01: industry guides (the aerospace X357,
                // X358 …) group 850s and 855s under SC, and partners rely on that.
                transactions.append(readTransaction())
            case "GE":
                index += 1
                expectCount(s, 1, transactions.count, what: "transaction sets", level: .group, code: "5")
                expectControl(s, 2, gs[6], header: "GS06", level: .group)
                return X12Group(gs: gs, transactions: transactions)
            case "GS", "IEA", "ISA":
                problems.append(X12Problem(.group, position: gs.position, segment: "GS", code: "3", "functional group \(gs[6] ?? "?") has no GE trailer"))
                return X12Group(gs: gs, transactions: transactions)
            default:
                problems.append(X12Problem(.group, position: s.position, segment: s.id, "\(s.id) outside a transaction set (expected ST or GE)"))
                index += 1
            }
        }
        problems.append(X12Problem(.group, position: gs.position, segment: "GS", code: "3", "functional group \(gs[6] ?? "?") has no GE trailer"))
        return X12Group(gs: gs, transactions: transactions)
    }

    mutating func readTransaction() -> X12Transaction {
        let st = segments[index]
        index += 1
        if st[1] == nil { problems.append(X12Problem(.element, position: st.position, segment: "ST", element: 1, code: "1", "the transaction set identifier is required")) }
        if st[2] == nil { problems.append(X12Problem(.element, position: st.position, segment: "ST", element: 2, code: "1", "the transaction set control number is required")) }
        var body: [X12Segment] = []
        while index < segments.count {
            let s = segments[index]
            if s.id == "SE" {
                index += 1
                let transaction = X12Transaction(code: st[1] ?? "", controlNumber: st[2] ?? "", implementation: st[3], body: body, position: st.position)
                expectCount(s, 1, body.count + 2, what: "segments (ST to SE)", level: .transaction, code: "4")
                if s[2] != st[2] {
                    problems.append(X12Problem(.transaction, position: s.position, segment: "SE", element: 2, code: "3",
                                               "control number \(s[2] ?? "(none)") does not match ST02 \(st[2] ?? "(none)")"))
                }
                X12Syntax.check(transaction, delimiters: delimiters, into: &problems)
                return transaction
            }
            if ["ST", "GE", "GS", "IEA", "ISA"].contains(s.id) { break }
            body.append(s)
            index += 1
        }
        problems.append(X12Problem(.transaction, position: st.position, segment: "ST", code: "2", "transaction set \(st[2] ?? "?") has no SE trailer"))
        return X12Transaction(code: st[1] ?? "", controlNumber: st[2] ?? "", implementation: st[3], body: body, position: st.position)
    }

    mutating func expectCount(_ s: X12Segment, _ element: Int, _ actual: Int, what: String, level: X12Problem.Level, code: String?) {
        guard let text = s[element], let n = Int(text) else {
            problems.append(X12Problem(level, position: s.position, segment: s.id, element: element, code: code, "must be the number of \(what), found '\(s[element] ?? "")'"))
            return
        }
        if n != actual {
            problems.append(X12Problem(level, position: s.position, segment: s.id, element: element, code: code, "says \(n) \(what) but there are \(actual)"))
        }
    }

    /// Control numbers compare as numbers: 3438 matches 000003438.
    mutating func expectControl(_ s: X12Segment, _ element: Int, _ header: String?, header name: String, level: X12Problem.Level) {
        let trailer = s[element]
        let same = trailer.flatMap { UInt64($0) }.map { $0 == header.flatMap { UInt64($0) } } ?? false
        if !same {
            problems.append(X12Problem(level, position: s.position, segment: s.id, element: element, code: level == .group ? "4" : nil,
                                       "control number \(trailer ?? "(none)") does not match \(name) \(header ?? "(none)")"))
        }
    }
}
