/// The delimiters of one X12 interchange, read from its ISA segment.
public struct X12Delimiters: Sendable, Hashable {
    public var element: Character
    public var subElement: Character
    public var segment: Character
    /// ISA11 from version 00402 on; before that ISA11 is a standards identifier.
    public var repetition: Character?

    public init(element: Character = "*", subElement: Character = ">", segment: Character = "~", repetition: Character? = "^") {
        self.element = element; self.subElement = subElement; self.segment = segment; self.repetition = repetition
    }
}

/// One segment: its id and elements, numbered as X12 numbers them (`self[1]` is the
/// first element after the id), and its position in the document (1-based).
public struct X12Segment: Sendable, Hashable {
    public var id: String
    public var elements: [String]
    public var position: Int

    public init(_ id: String, _ elements: [String], position: Int = 0) {
        self.id = id; self.elements = elements; self.position = position
    }

    /// The element's text, or nil when absent or empty.
    public subscript(_ n: Int) -> String? {
        guard n >= 1, n <= elements.count, !elements[n - 1].isEmpty else { return nil }
        return elements[n - 1]
    }

    /// The element split into its components (composite elements).
    public func components(_ n: Int, _ d: X12Delimiters) -> [String] {
        self[n].map { $0.split(separator: d.subElement, omittingEmptySubsequences: false).map(String.init) } ?? []
    }
}

/// ST … SE: one transaction set (an 850 purchase order, an 856 ship notice …).
public struct X12Transaction: Sendable, Hashable {
    /// ST01, e.g. "850".
    public var code: String
    /// ST02.
    public var controlNumber: String
    /// ST03 (005010 implementation guides), if any.
    public var implementation: String?
    /// The segments between ST and SE.
    public var body: [X12Segment]
    /// Position of the ST segment.
    public var position: Int
}

/// GS … GE: a functional group of transaction sets of one kind.
public struct X12Group: Sendable, Hashable {
    public var gs: X12Segment
    public var transactions: [X12Transaction]

    public var functionalId: String { gs[1] ?? "" }
    public var sender: String { gs[2] ?? "" }
    public var receiver: String { gs[3] ?? "" }
    public var controlNumber: String { gs[6] ?? "" }
    /// GS08, e.g. "004010" or "005010X230".
    public var version: String { gs[8] ?? "" }
}

/// ISA … IEA: one interchange between two trading partners.
public struct X12Interchange: Sendable, Hashable {
    public var isa: X12Segment
    public var delimiters: X12Delimiters
    public var groups: [X12Group]

    public var senderQualifier: String { isa[5] ?? "" }
    public var sender: String { (isa[6] ?? "").trimmingCharacters(in: .whitespaces) }
    public var receiverQualifier: String { isa[7] ?? "" }
    public var receiver: String { (isa[8] ?? "").trimmingCharacters(in: .whitespaces) }
    /// ISA13, the interchange control number; with the sender, the idempotency key.
    public var controlNumber: String { isa[13] ?? "" }
    public var acknowledgmentRequested: Bool { isa[14] == "1" }
    public var usage: String { isa[15] ?? "" }
}

/// A whole X12 document: one or more interchanges.
public struct X12Document: Sendable, Hashable {
    public var interchanges: [X12Interchange]

    public var transactions: [X12Transaction] { interchanges.flatMap { $0.groups.flatMap(\.transactions) } }
}

/// Where and why a document breaks the X12 syntax. `code` is the X12 syntax error code a
/// 997 reports for it (AK304 for segments, AK403 for elements, AK502 for transaction sets,
/// AK905 for groups), when there is one.
public struct X12Problem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable { case interchange, group, transaction, segment, element }

    public var level: Level
    public var position: Int
    public var segmentId: String
    public var element: Int?
    public var code: String?
    public var message: String

    public init(_ level: Level, position: Int, segment: String, element: Int? = nil, code: String? = nil, _ message: String) {
        self.level = level; self.position = position; self.segmentId = segment; self.element = element; self.code = code; self.message = message
    }

    public var description: String {
        let elementText = element.map { String(format: "%@%02d", segmentId, $0) + " " } ?? ""
        return "segment \(position) (\(segmentId)): \(elementText)\(message)"
    }
}
