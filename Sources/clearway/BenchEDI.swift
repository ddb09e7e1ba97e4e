import ArgumentParser
import ClearwayCore
import ClearwayIntegration
import Foundation

/// `clearway bench edi`: X12 reading speed (delimiters, envelopes, counts, element checks)
/// on generated 850 interchanges of a realistic shape, one core, no I/O in the timing.
struct BenchEDI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edi", abstract: "Measure X12 parsing throughput (documents/s and MB/s).")

    @Option(help: "Documents to parse.") var documents = 20_000
    @Option(help: "PO1 lines per purchase order.") var lines = 20
    @Option(help: "Purchase orders per interchange.") var ordersPerDocument = 1

    func validate() throws {
        guard (1...10_000_000).contains(documents) else { throw ValidationError("--documents must be 1…10000000") }
        guard (1...10_000).contains(lines), (1...1_000).contains(ordersPerDocument) else { throw ValidationError("--lines 1…10000, --orders-per-document 1…1000") }
    }

    func run() async throws {
        let text = Self.document(orders: ordersPerDocument, lines: lines)
        let bytes = Double(text.utf8.count)
        // Warm up, and check the document is clean so the bench measures the normal path.
        let (_, problems) = try X12Parser.parse(text)
        guard problems.isEmpty else { throw CLIError.failure("the generated document has problems: \(problems)") }
        let clock = ContinuousClock()
        var segments = 0
        let elapsed = try clock.measure {
            for _ in 0..<documents { segments += try X12Parser.parse(text).0.transactions.reduce(0) { $0 + $1.body.count } }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "X12 850 interchanges of %d order(s) × %d lines, %.1f KB each: %d documents in %.2f s",
                     ordersPerDocument, lines, bytes / 1024, documents, seconds))
        print(String(format: "| documents/s | MB/s | segments/s |\n|---|---|---|\n| %.0f | %.1f | %.0f |",
                     Double(documents) / seconds, bytes * Double(documents) / seconds / 1_048_576, Double(segments) / seconds))
    }

    static func document(orders: Int, lines: Int) -> String {
        var sets: [X12Writer.Set] = []
        for o in 0..<orders {
            var body: [X12Segment] = [
                X12Segment("BEG", ["00", "SA", "PO\(100_000 + o)", "", "20261123"]),
                X12Segment("CUR", ["BY", "USD"]), X12Segment("DTM", ["002", "20261130"]),
                X12Segment("N1", ["ST", "XYZ RETAIL DC 4", "92", "0004"]), X12Segment("N3", ["31875 SOLON RD"]), X12Segment("N4", ["SOLON", "OH", "44139"]),
            ]
            for n in 1...lines {
                let upc: String = "0" + String(71_234_500_000 + n)
                body.append(X12Segment("PO1", [String(n), String(n * 12), "EA", "9.25", "TE", "VN", "SKU-" + String(10_000 + n), "UP", upc]))
                body.append(X12Segment("PID", ["F", "", "", "", "Widget, zinc plated, size " + String(n)]))
            }
            body.append(X12Segment("CTT", [String(lines)]))
            sets.append(X12Writer.Set(code: "850", body: body))
        }
        return X12Writer().interchange(from: X12Writer.Party(qualifier: "ZZ", id: "XYZRETAIL"), to: X12Writer.Party(qualifier: "ZZ", id: "CLEARWAY"),
                                       at: Instant(iso8601: "2026-11-23T15:00:00Z")!, controlNumber: 42, functionalId: "PO", sets: sets)
    }
}
