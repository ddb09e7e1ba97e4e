import ClearwayCore

/// Finds what a customer's message names: order numbers (`SO-200123`, `PO 4471`,
/// `order #200123`), item numbers (`SKU-10042`, `BOLT-M8-50`), quantities with a unit
/// (`40 cases`) and dates (`2026-11-30`, `11/30`, `Nov 30`, `30 November`). Each list keeps
/// the order of first mention, without repeats.
public enum MessageExtractor {
    public static func details(in text: String) -> MessageDetails {
        MessageDetails(orderNumbers: orderNumbers(in: text), skus: skus(in: text), quantities: quantities(in: text), dates: dates(in: text))
    }

    nonisolated(unsafe) static let prefixed = /(?i)\b(SO|PO|ORD|ORDER)[-#: ]?(\d{3,12})\b/
    nonisolated(unsafe) static let spelled = /(?i)\border\s*(?:no\.?|number|num\.?|#)?\s*:?\s*#?\s*(\d{4,12})\b/
    nonisolated(unsafe) static let sku = /\b([A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]{1,10}){1,3})\b/
    nonisolated(unsafe) static let quantity = /(?i)\b(\d{1,7}(?:\.\d+)?)\s*(units?|pcs|pieces?|cases?|cs|boxes|box|pallets?|rolls?|ea|each|cartons?|bags?|ft|feet|drums?|spools?)\b/
    nonisolated(unsafe) static let isoDate = /\b(20\d{2}-[01]\d-[0-3]\d)\b/
    nonisolated(unsafe) static let numericDate = /\b([01]?\d\/[0-3]?\d(?:\/(?:20)?\d{2})?)\b/
    nonisolated(unsafe) static let monthDay = /(?i)\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+[0-3]?\d(?:st|nd|rd|th)?)\b/
    nonisolated(unsafe) static let dayMonth = /(?i)\b([0-3]?\d(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b/

    public static func orderNumbers(in text: String) -> [String] {
        var found: [String] = []
        for m in text.matches(of: prefixed) {
            let prefix = m.output.1.uppercased()
            found.append(prefix == "ORDER" ? String(m.output.2) : "\(prefix)-\(m.output.2)")
        }
        for m in text.matches(of: spelled) { found.append(String(m.output.1)) }
        return unique(found)
    }

    public static func skus(in text: String) -> [String] {
        let orders = Set(orderNumbers(in: text))
        return unique(text.matches(of: sku).map { String($0.output.1) }.filter { candidate in
            candidate.contains(where: \.isNumber) && !orders.contains(candidate)
                && !["SO", "PO", "ORD"].contains(candidate.split(separator: "-").first.map(String.init) ?? "")
        })
    }

    public static func quantities(in text: String) -> [String] {
        unique(text.matches(of: quantity).map { "\($0.output.1) \($0.output.2.lowercased())" })
    }

    public static func dates(in text: String) -> [String] {
        var found: [(String.Index, String)] = []
        for m in text.matches(of: isoDate) { found.append((m.range.lowerBound, String(m.output.1))) }
        for m in text.matches(of: numericDate) { found.append((m.range.lowerBound, String(m.output.1))) }
        for m in text.matches(of: monthDay) { found.append((m.range.lowerBound, String(m.output.1))) }
        for m in text.matches(of: dayMonth) { found.append((m.range.lowerBound, String(m.output.1))) }
        return unique(found.sorted { $0.0 < $1.0 }.map(\.1))
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
