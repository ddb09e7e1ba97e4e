import ClearwayCore
import ClearwayIntegration
import ClearwaySimulator
import Foundation
import Testing

/// The public EDI fixtures in `Tests/Fixtures/edi` (their sources and licences are in its
/// SOURCES.md): which are meant to be valid and which not is said by their path
/// (`pass`/`fail`, `OK`/`ERR`, `invalid`, `Mismatch`, `Wrong`, `Failed`, `_bad`).
enum EDICorpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/edi")

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
        try #require(!x12.isEmpty, "the EDI samples are missing from Tests/Fixtures/edi")
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

@Suite("EDIFACT corpus")
struct EdifactCorpusTests {
    /// Unmarked samples whose counts or envelopes are wrong (checked independently of
    /// Clearway); they test their projects' readers, not the standard.
    static let knownDefects: [String: String] = [
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/Apperak_edi_out_issue235.edi": "segment 1 (UNB): needs syntax identifier, sender, recipient and control reference",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/edifact.Issue203.edi": "UNT01 says 13 segments (UNH to UNT) but there are 102",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/edifact.Issue188.edi": "UNT01 says 1 segments (UNH to UNT) but there are 3",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/edifact.ORDRSP.edi": "UNT01 says 17 segments (UNH to UNT) but there are 31",
        "indice-co+EDI.Net/test/indice.Edi.Tests/Samples/edifact.ORDRSP-formatted.edi": "UNT01 says 17 segments (UNH to UNT) but there are 30",
        "xlate+staedi/src/test/resources/EDIFACT/orders-with-group.edi": "UNT01 says 21 segments (UNH to UNT) but there are 18",
    ]

    @Test("every valid EDIFACT sample (ORDERS among them) parses without a problem; the invalid one is refused with its reason")
    func corpus() throws {
        let edifact = EDICorpus.files.filter { $0.text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }.hasPrefix("UN") }
        try #require(edifact.count >= 8)
        var orders = 0
        for (path, text) in edifact {
            let outcome = Result { () throws(X12Problem) in try EdifactParser.parse(text) }
            let problems: [X12Problem] = switch outcome { case .success(let r): r.1; case .failure(let p): [p] }
            if EDICorpus.meantInvalid(path) {
                #expect(!problems.isEmpty, "\(path) is invalid but parsed cleanly")
                print("refused \(path): \(problems.first?.description ?? "")")
            } else {
                if let defect = Self.knownDefects[path] {
                    #expect(problems.contains { $0.description.contains(defect) }, "\(path) should be reported for '\(defect)': \(problems.map(\.description))")
                } else {
                    #expect(problems.isEmpty, "\(path): \(problems.map(\.description))")
                }
                let messages = (try? outcome.get().0.flatMap(\.messages)) ?? []
                #expect(!messages.isEmpty, "\(path) yielded no message")
                orders += messages.count { $0.type == "ORDERS" }
            }
        }
        #expect(orders >= 1)
    }
}

@Suite("EDI robustness")
struct EDIRobustnessTests {
    @Test("cut at any point or with bytes flipped, no sample makes a reader crash: it answers a document or a problem")
    func truncatedAndCorrupted() {
        var generator = SeededRandom(seed: 7)   // the same damage on every run
        var outcomes = 0
        for (_, text) in EDICorpus.files {
            let bytes = Array(text.utf8)
            let cuts = Set((0..<40).map { _ in Int(generator.next() % UInt64(max(1, bytes.count))) } + Array(0..<min(12, bytes.count)))
            for cut in cuts {
                var damaged = Array(bytes.prefix(cut))
                if !damaged.isEmpty, generator.next() % 2 == 0 {
                    damaged[Int(generator.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
                let sample = String(decoding: damaged, as: UTF8.self)
                _ = try? X12Parser.parse(sample)
                _ = try? EdifactParser.parse(sample)
                outcomes += 1
            }
        }
        #expect(outcomes > 1_000)
    }
}

/// Partners and VANs that wrap X12 and EDIFACT at a fixed width: the line breaks fall
/// anywhere, inside segments and elements, and are not the segment terminator.
@Suite("EDI wrapped at a fixed width")
struct WrappedEDITests {
    static func wrap(_ text: String, width: Int) -> String {
        let flat = Array(text.filter { !$0.isNewline })
        return stride(from: 0, to: flat.count, by: width).map { String(flat[$0..<min($0 + width, flat.count)]) }.joined(separator: "\r\n") + "\r\n"
    }

    @Test("every corpus X12 file that reads cleanly reads the same wrapped at 80 (and 64) columns", arguments: [80, 64])
    func wrappedCorpus(width: Int) throws {
        var checked = 0
        for (path, text) in EDICorpus.files where text.drop(while: { $0 == "\u{FEFF}" || $0.isWhitespace }).hasPrefix("ISA") {
            // Files whose segment terminator is a line break cannot be wrapped; their flat form does not read.
            guard let (document, problems) = try? X12Parser.parse(text), problems.isEmpty, !document.transactions.isEmpty,
                  let flat = try? X12Parser.parse(text.filter { !$0.isNewline }), flat.1.isEmpty else { continue }
            let body = text.drop(while: { $0 == "\u{FEFF}" || $0.isWhitespace })
            let (wrapped, wrappedProblems) = try X12Parser.parse(Self.wrap(String(body), width: width))
            #expect(wrappedProblems.isEmpty, "\(path) wrapped at \(width): \(wrappedProblems.map(\.description))")
            #expect(wrapped.transactions.map(\.code) == document.transactions.map(\.code), "\(path)")
            #expect(wrapped.transactions.map { $0.body.count } == document.transactions.map { $0.body.count }, "\(path)")
            checked += 1
        }
        #expect(checked >= 20, "only \(checked) corpus files were checked")
    }

    @Test("a line break in one segment of an unwrapped file still names the missing terminator")
    func missingTerminatorStillReported() throws {
        let text = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261123*1200*U*00401*000000001*0*P*>~\n"
            + "GS*PO*SENDER*RECEIVER*20261123*1200*1*X*004010~\nST*850*0001~\nBEG*00*SA*PO-1**20261123\nREF*DP*12~\nSE*4*0001~\nGE*1*1~\nIEA*1*000000001~\n"
        let (_, problems) = try X12Parser.parse(text)
        #expect(problems.contains { $0.description.contains("segment terminator ('~') is probably missing") })
    }

    @Test("EDIFACT wrapped at 80 columns reads the same")
    func wrappedEdifact() throws {
        var checked = 0
        for (path, text) in EDICorpus.files where text.drop(while: { $0.isWhitespace }).hasPrefix("UN") {
            guard let (interchanges, problems) = try? EdifactParser.parse(text), problems.isEmpty, !interchanges.isEmpty else { continue }
            let (wrapped, wrappedProblems) = try EdifactParser.parse(WrappedEDITests.wrap(text, width: 80))
            #expect(wrappedProblems.isEmpty, "\(path): \(wrappedProblems.map(\.description))")
            #expect(wrapped.count == interchanges.count, "\(path)")
            checked += 1
        }
        #expect(checked >= 1)
    }
}
