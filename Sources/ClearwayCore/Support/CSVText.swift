/// Every CSV Clearway writes goes through here: RFC 4180 quoting, and a leading `'` on a
/// cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (unless it is a
/// number), so no cell runs as a formula when a spreadsheet opens the file. Customer text
/// lands in some of these files, and customers choose how it starts.
public enum CSVText {
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    public static func table(header: [String], rows: [[String]], quoteAll: Bool = false, lineEnd: String = "\r\n") -> String {
        ([header] + rows).map { row(_: $0, quoteAll: quoteAll) }.joined(separator: lineEnd) + lineEnd
    }

    public static func row(_ cells: [String], quoteAll: Bool = false) -> String {
        cells.map { cell($0, quoteAll: quoteAll) }.joined(separator: ",")
    }

    public static func cell(_ text: String, quoteAll: Bool = false) -> String {
        var t = text
        if let first = t.unicodeScalars.first, formulaStarts.contains(first), Double(t) == nil { t = "'" + t }
        guard quoteAll || t.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell as it was before `cell` guarded it, for reading back a file Clearway wrote.
    public static func unguarded(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, formulaStarts.contains(second) else { return text }
        return String(text.unicodeScalars.dropFirst())
    }
}
