/// The element syntax Clearway checks: the envelope segments, and the segments of the
/// transaction sets it reads and writes (850, 855, 856, 810, 997). Each rule is an X12
/// data element type (numeric, identifier from a code list, date, time) or a syntax note
/// (a paired qualifier and value). Segments it has no rule for are carried as they are.
enum X12Syntax {
    static func checkISA(_ isa: X12Segment, into problems: inout [X12Problem]) {
        func bad(_ n: Int, _ message: String) { problems.append(X12Problem(.element, position: isa.position, segment: "ISA", element: n, message)) }
        if isa.elements.count != 16 { problems.append(X12Problem(.interchange, position: isa.position, segment: "ISA", "must have 16 elements, found \(isa.elements.count)")) }
        for (i, e) in isa.elements.enumerated() where e.contains(where: \.isNewline) {
            bad(i + 1, "contains a line break: the ISA segment is broken across lines")
        }
        for n in [1, 3, 5, 7] where (isa.elements.count >= n ? isa.elements[n - 1] : "").count != 2 { bad(n, "must be a 2-character qualifier") }
        if !digits(isa[9], 6...6) { bad(9, "must be the date as YYMMDD, found '\(isa[9] ?? "")'") }
        if !digits(isa[10], 4...4) { bad(10, "must be the time as HHMM, found '\(isa[10] ?? "")'") }
        if !digits(isa[12], 5...5) { bad(12, "must be a 5-digit version, found '\(isa[12] ?? "")'") }
        if !digits(isa[13], 9...9) { bad(13, "must be a 9-digit control number, found '\(isa[13] ?? "")'") }
        if !["0", "1"].contains(isa[14] ?? "") { bad(14, "must be 0 or 1 (acknowledgment requested), found '\(isa[14] ?? "")'") }
        if !["P", "T", "I"].contains(isa[15] ?? "") { bad(15, "must be P, T or I (usage), found '\(isa[15] ?? "")'") }
    }

    static func checkGS(_ gs: X12Segment, into problems: inout [X12Problem]) {
        func bad(_ n: Int, _ code: String, _ message: String) { problems.append(X12Problem(.element, position: gs.position, segment: "GS", element: n, code: code, message)) }
        if gs[1]?.count != 2 { bad(1, "7", "must be a 2-letter functional identifier, found '\(gs[1] ?? "")'") }
        if !digits(gs[4], 6...6) && !digits(gs[4], 8...8) { bad(4, "8", "must be a date as CCYYMMDD (or YYMMDD before 004010), found '\(gs[4] ?? "")'") }
        if !digits(gs[5], 4...8) { bad(5, "9", "must be a time as HHMM[SS[dd]], found '\(gs[5] ?? "")'") }
        if !digits(gs[6], 1...9) { bad(6, "6", "must be a control number of 1–9 digits, found '\(gs[6] ?? "")'") }
        if !["X", "T"].contains(gs[7] ?? "") { bad(7, "7", "must be X (ASC X12) or T (TDCC), found '\(gs[7] ?? "")'") }
        let version = gs[8].flatMap { Int($0.prefix(6)) }
        if let version, !X12Parser.versions.contains(version) {
            problems.append(X12Problem(.group, position: gs.position, segment: "GS", element: 8, code: "2",
                                       "version \(gs[8] ?? "") is not supported (003010 to 005010)"))
        } else if version == nil {
            bad(8, "7", "must name the version, e.g. 004010, found '\(gs[8] ?? "")'")
        }
    }

    /// An element rule: its type and, for identifiers, the codes allowed.
    enum Rule {
        case numeric, decimal, date, time
        /// An identifier of this many letters or digits (its code list is the partner's).
        case id(ClosedRange<Int>)
        case code(Set<String>)
    }

    /// (segment, element) → rule, for the segments Clearway reads and writes.
    static let rules: [String: [Int: Rule]] = [
        "BEG": [1: .id(2...2), 2: .id(2...2), 5: .date],
        "PO1": [2: .decimal, 4: .decimal],
        "ACK": [2: .decimal, 5: .date],
        "BAK": [1: .id(2...2), 2: .id(2...2), 4: .date],
        "CTT": [1: .numeric],
        "HL": [1: .numeric, 2: .numeric],
        "BSN": [3: .date, 4: .time],
        "AK1": [1: .id(2...2), 2: .numeric],
        "AK2": [1: .id(3...3)],
        "AK3": [2: .numeric, 4: .code(["1", "2", "3", "4", "5", "6", "7", "8", "I4", "I6", "I7", "I8", "I9"])],
        "AK4": [2: .numeric, 3: .code(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13", "I10", "I11", "I12", "I13", "I6", "I9"])],
        "AK5": [1: .code(["A", "E", "M", "R", "W", "X"])],
        "AK9": [1: .code(["A", "E", "M", "P", "R", "W", "X"]), 2: .numeric, 3: .numeric, 4: .numeric],
    ]

    /// Syntax notes X12 states as "P" (paired): both present or both absent.
    static let paired: [String: [(Int, Int)]] = [
        "PO1": stride(from: 6, through: 24, by: 2).map { ($0, $0 + 1) },
        "ACK": stride(from: 7, through: 27, by: 2).map { ($0, $0 + 1) },
        "LIN": stride(from: 2, through: 30, by: 2).map { ($0, $0 + 1) },
        "N1": [(3, 4)],
    ]

    static func check(_ t: X12Transaction, delimiters: X12Delimiters, into problems: inout [X12Problem]) {
        for s in t.body {
            for (n, rule) in rules[s.id] ?? [:] {
                guard let value = s[n] else { continue }
                // A component or repetition is checked by its first part only.
                let text = String(value.split { $0 == delimiters.subElement || $0 == delimiters.repetition }.first ?? "")
                let ok: Bool = switch rule {
                case .numeric: digits(text, 1...15) || (text.hasPrefix("-") && digits(String(text.dropFirst()), 1...15))
                case .decimal: Double(text) != nil && !text.contains(where: { $0 == "e" || $0 == "E" })
                case .date: digits(text, 6...6) || digits(text, 8...8)
                case .time: digits(text, 4...8)
                case .id(let length): length.contains(text.count) && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) }
                case .code(let codes): codes.contains(text)
                }
                if !ok {
                    let (code, what): (String, String) = switch rule {
                    case .numeric, .decimal: ("6", "must be numeric")
                    case .date: ("8", "must be a date")
                    case .time: ("9", "must be a time")
                    case .id, .code: ("7", "is not a valid code")
                    }
                    problems.append(X12Problem(.element, position: s.position, segment: s.id, element: n, code: code, "\(what), found '\(value)'"))
                }
            }
            for (a, b) in paired[s.id] ?? [] where (s[a] == nil) != (s[b] == nil) {
                let missing = s[a] == nil ? a : b
                problems.append(X12Problem(.element, position: s.position, segment: s.id, element: missing, code: "2",
                                           String(format: "is required when %@%02d is present (paired)", s.id, missing == a ? b : a)))
            }
        }
    }

    static func digits(_ text: String?, _ length: ClosedRange<Int>) -> Bool {
        guard let text else { return false }
        return length.contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
