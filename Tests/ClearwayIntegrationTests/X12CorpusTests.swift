import ClearwayIntegration
import Foundation
import Testing

/// The public EDI fixtures in `shared/data/edi`: which are meant to be valid and which not
/// is said by their path (`pass`/`fail`, `OK`/`ERR`, `invalid`, `Mismatch`, `Wrong`, `Failed`, `_bad`).
enum EDICorpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/edi")

    static var files: [(path: String, text: String)] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".edi") }.sorted().compactMap { path in
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else { return nil }
            return (path, String(decoding: data, as: UTF8.self))
        }
    }

    static func meantInvalid(_ path: String) -> Bool {
        ["/fail/", ".ERR.", "invalid", "Mismatch", "Wrong", "_Failed_", "_bad"].contains { path.contains($0) }
    }

    static let acknowledged: Set<String> = ["850", "855", "856", "810", "997"]

    /// Samples their projects do not mark invalid that still break X12 rules (they test
    /// other things: deserialisation, delimiters). Clearway reports each, as a 997 would.
    static let knownDefects: [String: String] = [
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.810.mandatory-conditions.edi": "IEA02 control number 000000001 does not match ISA13",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.850.edi": "IEA02 control number 000000001 does not match ISA13 000000055",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.850a.edi": "IEA02 control number 000000001 does not match ISA13 000000055",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.850.issue135.edi": "DTM02 contains a line break: a segment terminator ('~') is probably missing",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.Issue101.edi": "SE01 says 50 segments",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.Issue172.edi": "SE01 says 50 segments",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/x12.Issue91.edi": "SE01 says 50 segments",
        "xlate+staedi/src/test/resources/x12/extraDelimiter997.edi": "AK302 must be numeric",
        "xlate+staedi/src/test/resources/x12/invoice810_po850_dual.edi": "N104 is required when N103 is present",
    ]
}

@Suite("X12 corpus")
struct X12CorpusTests {
    @Test("every valid 850, 855, 856, 810 and 997 parses without a problem; every invalid X12 file is refused with its reason (other transaction sets are refused as unsupported)")
    func corpus() throws {
        let x12 = EDICorpus.files.filter { $0.text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }.hasPrefix("ISA") }
        try #require(!x12.isEmpty, "the EDI fixtures are missing")
        var valid = 0, refused = 0, skipped = 0, defects = 0
        var report: [String] = []
        for (path, text) in x12 {
            let outcome: Result<(X12Document, [X12Problem]), X12Problem> = Result { () throws(X12Problem) in try X12Parser.parse(text) }
            // What intake refuses: syntax problems, then transaction sets Clearway does not read.
            let problems: [X12Problem] = switch outcome { case .success(let r): r.1 + X12Parser.unsupported(r.0); case .failure(let p): [p] }
            if EDICorpus.meantInvalid(path) {
                #expect(!problems.isEmpty, "\(path) is invalid but parsed cleanly")
                if !problems.isEmpty { refused += 1; report.append("refused \(path): \(problems[0])") }
            } else {
                let codes = (try? outcome.get().0.transactions.map(\.code)) ?? []
                #expect(!codes.isEmpty, "\(path) yielded no transaction set: \(problems.map(\.description))")
                guard !codes.isEmpty, codes.allSatisfy(EDICorpus.acknowledged.contains) else { skipped += 1; continue }
                if let defect = EDICorpus.knownDefects[path] {
                    #expect(problems.contains { $0.description.contains(defect) }, "\(path) should be reported for '\(defect)': \(problems.map(\.description))")
                    defects += 1
                    continue
                }
                #expect(problems.isEmpty, "\(path): \(problems.map(\.description))")
                if problems.isEmpty { valid += 1 }
            }
        }
        print("X12 corpus: \(valid) valid parsed, \(refused) invalid refused, \(defects) unmarked samples with defects reported, \(skipped) of other transaction sets\n" + report.joined(separator: "\n"))
    }
}
