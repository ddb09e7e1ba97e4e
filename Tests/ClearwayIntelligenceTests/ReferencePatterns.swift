import ClearwayCore

/// The regular expressions the extractor once used, kept here only as the specification the
/// scanner is checked against on short generated texts (where backtracking costs nothing).
/// Word boundaries are simple and digits ASCII, as the scanner reads them.
enum ReferencePatterns {
    nonisolated(unsafe) static let prefixed = /(?i)\b(SO|PO|ORD|ORDER)[-#: ]?(\d{3,12})\b/
    nonisolated(unsafe) static let spelled = /(?i)\border\s*(?:no\.?|number|num\.?|#)?\s*:?\s*#?\s*(\d{4,12})\b/
    nonisolated(unsafe) static let sku = /\b([A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]{1,10}){1,3})\b/
    nonisolated(unsafe) static let quantity =
        /(?i)\b(\d{1,7}(?:\.\d+)?)\s*(units?|pcs|pieces?|cases?|cs|boxes|box|pallets?|rolls?|ea|each|cartons?|bags?|ft|feet|drums?|spools?)\b/
    nonisolated(unsafe) static let isoDate = /\b(20\d{2}-[01]\d-[0-3]\d)\b/
    nonisolated(unsafe) static let numericDate = /\b([01]?\d\/[0-3]?\d(?:\/(?:20)?\d{2})?)\b/
    nonisolated(unsafe) static let monthDay =
        /(?i)\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+[0-3]?\d(?:st|nd|rd|th)?)\b/
    nonisolated(unsafe) static let dayMonth =
        /(?i)\b([0-3]?\d(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b/

    static func details(in text: String) -> MessageDetails {
        var orders: [String] = []
        for m in text.matches(of: prefixed.wordBoundaryKind(.simple).asciiOnlyDigits()) {
            let prefix = m.output.1.uppercased()
            orders.append(prefix == "ORDER" ? String(m.output.2) : "\(prefix)-\(m.output.2)")
        }
        for m in text.matches(of: spelled.wordBoundaryKind(.simple).asciiOnlyDigits()) { orders.append(String(m.output.1)) }
        orders = unique(orders)
        let skus = unique(text.matches(of: sku.wordBoundaryKind(.simple)).map { String($0.output.1) }.filter { candidate in
            candidate.contains(where: \.isNumber) && !orders.contains(candidate)
                && !["SO", "PO", "ORD"].contains(candidate.split(separator: "-").first.map(String.init) ?? "")
        })
        let quantities = unique(text.matches(of: quantity.wordBoundaryKind(.simple).asciiOnlyDigits())
            .map { "\($0.output.1) \($0.output.2.lowercased())" })
        var found: [(String.Index, Int, String)] = []
        for m in text.matches(of: isoDate.wordBoundaryKind(.simple).asciiOnlyDigits()) { found.append((m.range.lowerBound, 0, String(m.output.1))) }
        for m in text.matches(of: numericDate.wordBoundaryKind(.simple).asciiOnlyDigits()) { found.append((m.range.lowerBound, 1, String(m.output.1))) }
        for m in text.matches(of: monthDay.wordBoundaryKind(.simple).asciiOnlyDigits()) { found.append((m.range.lowerBound, 2, String(m.output.1))) }
        for m in text.matches(of: dayMonth.wordBoundaryKind(.simple).asciiOnlyDigits()) { found.append((m.range.lowerBound, 3, String(m.output.1))) }
        let dates = unique(found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2))
        return MessageDetails(orderNumbers: orders, skus: skus, quantities: quantities, dates: dates)
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
