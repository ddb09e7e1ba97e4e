import ClearwayCore

/// Finds what a customer's message names: order numbers (`SO-200123`, `PO 4471`,
/// `order #200123`), item numbers (`SKU-10042`, `BOLT-M8-50`), quantities with a unit
/// (`40 cases`) and dates (`2026-11-30`, `11/30`, `Nov 30`, `30 November`). Each list keeps
/// the order of first mention, without repeats.
///
/// Customer text is untrusted, so this is a scanner, not a set of regular expressions: it
/// reads the text once, trying each pattern only where a word starts, and every try reads
/// a window of bounded length or a run that no later try reads again. Work therefore grows
/// in proportion to the text (`ExtractorSafetyTests` counts it), and only the first
/// `CustomerMessage.readableScalars` of a message are read at all.
public enum MessageExtractor {
    public static func details(in text: String) -> MessageDetails {
        scanned(text).details
    }

    /// The details and how many scalars the scan looked at (for the tests that prove the
    /// work is linear).
    static func scanned(_ text: String) -> (details: MessageDetails, looks: Int) {
        var scan = ScalarScan(readable(text))
        let orders = scan.orderNumbers()
        let details = MessageDetails(orderNumbers: orders, skus: scan.skus(excluding: orders),
                                     quantities: scan.quantities(), dates: scan.dates())
        return (details, scan.looks)
    }

    public static func orderNumbers(in text: String) -> [String] {
        var scan = ScalarScan(readable(text))
        return scan.orderNumbers()
    }

    public static func skus(in text: String) -> [String] {
        var scan = ScalarScan(readable(text))
        return scan.skus(excluding: scan.orderNumbers())
    }

    public static func quantities(in text: String) -> [String] {
        var scan = ScalarScan(readable(text))
        return scan.quantities()
    }

    public static func dates(in text: String) -> [String] {
        var scan = ScalarScan(readable(text))
        return scan.dates()
    }

    /// The part of a message that is read (`CustomerMessage.readableScalars`).
    static func readable(_ text: String) -> Substring { Substring(CustomerMessage.readable(text)) }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}

extension ScalarScan {
    /// Each match of `attempt` from left to right, tried only where a word starts; a match
    /// resumes the search where it ended, as a regular expression's successive matches do.
    mutating func matches<T>(where start: (inout ScalarScan, Int) -> Bool,
                             _ attempt: (inout ScalarScan, Int) -> (end: Int, value: T)?) -> [(at: Int, value: T)] {
        var found: [(Int, T)] = []
        var i = 0
        while i < count {
            if start(&self, i), wordStarts(at: i), let m = attempt(&self, i) {
                found.append((i, m.value))
                i = max(m.end, i + 1)
            } else {
                i += 1
            }
        }
        return found
    }
}
