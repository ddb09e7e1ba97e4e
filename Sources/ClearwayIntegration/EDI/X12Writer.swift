import ClearwayCore

/// Writes X12: segments with the interchange's delimiters, and whole interchanges with
/// ISA fields padded to their fixed widths and every count and control number computed,
/// so what Clearway sends always passes its own reader.
public struct X12Writer: Sendable {
    public var delimiters: X12Delimiters
    /// Put a line break after each segment terminator (easier to read; partners accept it).
    public var lineBreaks: Bool

    public init(delimiters: X12Delimiters = X12Delimiters(), lineBreaks: Bool = true) {
        self.delimiters = delimiters; self.lineBreaks = lineBreaks
    }

    public func segment(_ s: X12Segment) -> String {
        var elements = s.elements
        while elements.last == "" { elements.removeLast() }
        return ([s.id] + elements).joined(separator: String(delimiters.element)) + String(delimiters.segment)
            + (lineBreaks && !delimiters.segment.isNewline ? "\n" : "")
    }

    /// One party of an interchange: ISA qualifier and id, and the GS application code.
    public struct Party: Sendable, Hashable {
        public var qualifier: String
        public var id: String
        public var application: String
        public init(qualifier: String, id: String, application: String? = nil) {
            self.qualifier = qualifier; self.id = id; self.application = application ?? id
        }
    }

    /// A transaction set to write: ST01 and the segments between ST and SE.
    public struct Set: Sendable, Hashable {
        public var code: String
        public var body: [X12Segment]
        public init(code: String, body: [X12Segment]) { self.code = code; self.body = body }
    }

    /// An interchange with one functional group holding `sets`; transaction set control
    /// numbers run 0001, 0002 … within the group.
    public func interchange(from sender: Party, to receiver: Party, at time: Instant, controlNumber: Int, functionalId: String,
                            version: String = "004010", usage: String = "P", sets: [Set]) -> String {
        let stamp = time.iso8601   // 2026-11-23T15:00:00Z
        let ymd = String(stamp.prefix(10)).replacingOccurrences(of: "-", with: "")
        let hm = String(stamp.dropFirst(11).prefix(5)).replacingOccurrences(of: ":", with: "")
        let control = String(format: "%09d", controlNumber % 1_000_000_000)
        func pad(_ s: String, _ n: Int) -> String { String((s + String(repeating: " ", count: n)).prefix(n)) }
        let isa = X12Segment("ISA", ["00", pad("", 10), "00", pad("", 10), pad(sender.qualifier, 2), pad(sender.id, 15), pad(receiver.qualifier, 2),
                                     pad(receiver.id, 15), String(ymd.dropFirst(2)), hm, delimiters.repetition.map(String.init) ?? "U", "00401",
                                     control, "0", usage, String(delimiters.subElement)])
        var out = segment(isa)
        out += segment(X12Segment("GS", [functionalId, sender.application, receiver.application, ymd, hm, String(controlNumber), "X", version]))
        for (i, set) in sets.enumerated() {
            let number = String(format: "%04d", i + 1)
            out += segment(X12Segment("ST", [set.code, number]))
            for s in set.body { out += segment(s) }
            out += segment(X12Segment("SE", [String(set.body.count + 2), number]))
        }
        out += segment(X12Segment("GE", [String(sets.count), String(controlNumber)]))
        out += segment(X12Segment("IEA", ["1", control]))
        return out
    }
}
