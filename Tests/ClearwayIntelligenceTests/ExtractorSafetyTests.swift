import ClearwayCore
import Foundation
import Testing

@testable import ClearwayIntelligence

/// A customer decides what a message says; reading it must cost work in proportion to its
/// length, whatever it says. These tests count the scalars the extractor looks at.
@Suite("Message extractor under hostile text")
struct ExtractorSafetyTests {
    /// Texts shaped to make a backtracking matcher retry: long runs after a pattern's
    /// start that fail only at the end.
    static func hostile(_ n: Int) -> [String: String] {
        [
            "order + spaces + x": "order" + String(repeating: " ", count: n) + "x",
            "order no: # repeated": String(repeating: "order no: # ", count: n / 12),
            "spaces and digits": String(repeating: "order \t1", count: n / 8),
            "sku-like runs": String(repeating: "AB-", count: n / 3) + "a",
            "long sku parts": String(repeating: "ABCDEFGHIJ-1234567890", count: n / 21) + "x",
            "digits and dots": String(repeating: "1.", count: n / 2) + "x",
            "month + spaces": "Nov" + String(repeating: " ", count: n) + "x",
            "day + spaces": "30th" + String(repeating: " ", count: n) + "x",
            "slashes": String(repeating: "1/2/", count: n / 4),
            "quantity + spaces": "40" + String(repeating: "\n", count: n) + "casesx",
            "letters": String(repeating: "janu", count: n / 4) + " 5",
        ]
    }

    @Test("every hostile shape costs a bounded number of looks per scalar, and doubling the text at most doubles the work")
    func linearWork() {
        let small = Self.hostile(4_000), large = Self.hostile(8_000)
        for (name, text) in small {
            let (_, looksSmall) = MessageExtractor.scanned(text)
            let (_, looksLarge) = MessageExtractor.scanned(large[name]!)
            let perScalar = Double(looksLarge) / Double(large[name]!.unicodeScalars.count)
            #expect(perScalar < 60, "\(name): \(perScalar) looks per scalar")
            #expect(Double(looksLarge) <= 2.2 * Double(looksSmall), "\(name): \(looksSmall) → \(looksLarge) looks")
        }
    }

    @Test("the 2.3 KB body that once held the write lock for seconds is read in a few looks per scalar")
    func reportedBody() {
        let body = "order" + String(repeating: " ", count: 200) + "x " + String(repeating: "order   #  ", count: 190)
        let (details, looks) = MessageExtractor.scanned(body)
        #expect(details.orderNumbers.isEmpty)
        #expect(looks < 60 * body.unicodeScalars.count)
    }

    @Test("a message longer than the readable limit is read only up to it")
    func readableLimit() {
        let tail = " order #200117 "
        let text = String(repeating: "a ", count: CustomerMessage.readableScalars) + tail
        #expect(MessageExtractor.orderNumbers(in: text).isEmpty)
        #expect(MessageExtractor.orderNumbers(in: "a" + tail) == ["200117"])
        let (_, looks) = MessageExtractor.scanned(text + String(repeating: "x", count: 1_000_000))
        #expect(looks < 60 * CustomerMessage.readableScalars)
    }

    @Test("no regular expression is applied to text anywhere in the product's sources")
    func noBacktrackingPatterns() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 100)
        let markers = ["Regex<", "try Regex(", "NSRegularExpression", ".regularExpression", "matches(of:", "firstMatch(of:",
                       "wholeMatch(of:", "prefixMatch(of:", "= /(?", "#/"]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for marker in markers where text.contains(marker) {
                Issue.record("\(file.lastPathComponent) uses \(marker): untrusted text must be read by a linear scanner")
            }
        }
    }

    @Test("the scanner finds exactly what the equivalent regular expressions find, on generated text")
    func agreesWithPatterns() {
        let pieces = ["order", "Order", "ORDER", " ", "  ", "\n", "#", "no", ".", "no.", "num", "number", ":", "SO", "po", "ORD", "-",
                      "12", "200117", "4471", "2026", "1234567890123", "/", "Nov", "november", "sept", "30", "3", "th", "rd", "cases",
                      "Pallets", "ea", "SKU", "A", "B1", "M8", "50", "x", "é", "_", ",", "1.5", "01", "2026-12-02", "20"]
        var rng = SplitMix(seed: 20_261_201)
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 1...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let expected = ReferencePatterns.details(in: text)
            let actual = MessageExtractor.details(in: text)
            #expect(actual == expected, "\(text.debugDescription)")
            if actual != expected { return }
        }
    }
}

/// A small seeded generator, so the generated texts are the same on every machine.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
