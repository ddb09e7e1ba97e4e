import ClearwayCore

/// The service characters of an EDIFACT interchange: from UNA when present, else the defaults.
public struct EdifactDelimiters: Sendable, Hashable {
    public var component: Character = ":"
    public var element: Character = "+"
    public var decimal: Character = "."
    public var release: Character = "?"
    public var segment: Character = "'"
}

/// One EDIFACT segment: tag and data elements, each a list of components, with releases
/// (`?+`, `?'`) already undone.
public struct EdifactSegment: Sendable, Hashable {
    public var tag: String
    public var elements: [[String]]
    public var position: Int

    /// Component `c` of element `e`, 1-based, nil when absent or empty.
    public func value(_ e: Int, _ c: Int = 1) -> String? {
        guard e >= 1, e <= elements.count, c >= 1, c <= elements[e - 1].count, !elements[e - 1][c - 1].isEmpty else { return nil }
        return elements[e - 1][c - 1]
    }
}

/// UNH … UNT: one message (ORDERS, INVOIC, ORDRSP …).
public struct EdifactMessage: Sendable, Hashable {
    public var reference: String
    /// e.g. ORDERS, with the directory version (D, 96A).
    public var type: String
    public var version: String
    public var release: String
    public var body: [EdifactSegment]
    public var position: Int
}

/// UNB … UNZ.
public struct EdifactInterchange: Sendable, Hashable {
    public var unb: EdifactSegment
    public var messages: [EdifactMessage]
    /// The decimal mark (UNA), for reading quantities and prices.
    public var decimal: Character = "."

    public var sender: String { unb.value(2) ?? "" }
    public var senderQualifier: String { unb.value(2, 2) ?? "" }
    public var controlReference: String { unb.value(5) ?? "" }
}

/// Reads EDIFACT (UNA, UNB/UNZ, optional UNG/UNE groups, UNH/UNT messages), checks the
/// control references and counts, and the numeric elements of the segments Clearway reads.
/// Problems name segment position, tag and element, as for X12.
public enum EdifactParser {
    public static func parse(_ text: String) throws(X12Problem) -> ([EdifactInterchange], [X12Problem]) {
        var body = Substring(text)
        while let first = body.first, first == "\u{FEFF}" || first.isWhitespace { body = body.dropFirst() }
        var d = EdifactDelimiters()
        if body.hasPrefix("UNA") {
            let chars = Array(body.dropFirst(3).prefix(6))
            guard chars.count == 6 else { throw X12Problem(.interchange, position: 1, segment: "UNA", "UNA must carry six service characters") }
            d = EdifactDelimiters(component: chars[0], element: chars[1], decimal: chars[2], release: chars[3], segment: chars[5])
            body = body.dropFirst(9)
        }
        guard body.drop(while: { $0.isWhitespace }).hasPrefix("UNB") else {
            throw X12Problem(.interchange, position: 1, segment: "UNB", "an EDIFACT interchange starts with UNA or UNB")
        }
        let segments = split(body, d)
        var problems: [X12Problem] = []
        var interchanges: [EdifactInterchange] = []
        var current: EdifactInterchange?
        var message: EdifactMessage?
        var count = 0
        for s in segments {
            switch s.tag {
            case "UNB":
                current = EdifactInterchange(unb: s, messages: [], decimal: d.decimal)
                if s.value(1) == nil || s.value(2) == nil || s.value(3) == nil || s.value(5) == nil {
                    problems.append(X12Problem(.interchange, position: s.position, segment: "UNB", "needs syntax identifier, sender, recipient and control reference"))
                }
            case "UNH":
                message = EdifactMessage(reference: s.value(1) ?? "", type: s.value(2) ?? "", version: s.value(2, 2) ?? "",
                                         release: s.value(2, 3) ?? "", body: [], position: s.position)
                count = 1
            case "UNT":
                guard let m = message else { problems.append(X12Problem(.segment, position: s.position, segment: "UNT", "UNT without UNH")); continue }
                count += 1
                if s.value(1).flatMap(Int.init) != count {
                    problems.append(X12Problem(.transaction, position: s.position, segment: "UNT", element: 1, code: "4",
                                               "says \(s.value(1) ?? "(none)") segments (UNH to UNT) but there are \(count)"))
                }
                if s.value(2) != m.reference {
                    problems.append(X12Problem(.transaction, position: s.position, segment: "UNT", element: 2, code: "3",
                                               "message reference \(s.value(2) ?? "(none)") does not match UNH \(m.reference)"))
                }
                check(m, decimal: d.decimal, into: &problems)
                current?.messages.append(m)
                message = nil
            case "UNZ":
                guard let i = current else { continue }
                if message != nil { problems.append(X12Problem(.transaction, position: s.position, segment: "UNZ", "message \(message?.reference ?? "") has no UNT")) }
                if s.value(2) != i.controlReference {
                    problems.append(X12Problem(.interchange, position: s.position, segment: "UNZ", element: 2,
                                               "control reference \(s.value(2) ?? "(none)") does not match UNB \(i.controlReference)"))
                }
                interchanges.append(i)
                current = nil
            case "UNG", "UNE":
                continue
            default:
                if message != nil { message?.body.append(s); count += 1 } else {
                    problems.append(X12Problem(.segment, position: s.position, segment: s.tag, "\(s.tag) outside a message (expected UNH)"))
                }
            }
        }
        if let i = current {
            problems.append(X12Problem(.interchange, position: i.unb.position, segment: "UNB", "interchange \(i.controlReference) has no UNZ"))
            interchanges.append(i)
        }
        return (interchanges, problems)
    }

    /// Splits segments and elements, honouring the release character.
    static func split(_ text: Substring, _ d: EdifactDelimiters) -> [EdifactSegment] {
        var segments: [EdifactSegment] = []
        var elements: [[String]] = [[""]]
        var released = false
        func close() {
            let tag = elements[0][0].trimmingCharacters(in: .whitespacesAndNewlines)
            if !tag.isEmpty { segments.append(EdifactSegment(tag: tag, elements: Array(elements.dropFirst()), position: segments.count + 1)) }
            elements = [[""]]
        }
        for c in text {
            if released && !c.isNewline { elements[elements.count - 1][elements[elements.count - 1].count - 1].append(c); released = false; continue }
            switch c {
            case d.release: released = true
            case d.segment: close()
            case d.element: elements.append([""])
            case d.component: elements[elements.count - 1].append("")
            // Line breaks are transport (wrapped lines, one segment per line), never data.
            case _ where c.isNewline: continue
            default: elements[elements.count - 1][elements[elements.count - 1].count - 1].append(c)
            }
        }
        close()
        return segments
    }

    /// Numeric components of the segments Clearway reads: QTY (quantity), PRI (price), and
    /// the 3-character party qualifier of NAD.
    static func check(_ m: EdifactMessage, decimal: Character, into problems: inout [X12Problem]) {
        for s in m.body {
            switch s.tag {
            case "QTY", "PRI":
                if let v = s.value(1, 2), Double(String(v.map { $0 == decimal ? "." : $0 })) == nil {
                    problems.append(X12Problem(.element, position: s.position, segment: s.tag, element: 1, code: "6", "component 2 must be numeric, found '\(v)'"))
                }
            case "NAD":
                if let q = s.value(1), q.count > 3 {
                    problems.append(X12Problem(.element, position: s.position, segment: "NAD", element: 1, code: "5", "party qualifier must be at most 3 characters, found '\(q)'"))
                }
            default: break
            }
        }
    }
}
