import ClearwayIntelligence
import ClearwayKernels
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Sentence encoder")
struct SentenceEncoderTests {
    struct Reference: Decodable { var texts: [String]; var ids: [[Int32]]; var vectors: [[Float]] }
    static let reference = try! JSONDecoder().decode(Reference.self, from: Data(RepositoryFiles.bytes("Tests/Fixtures/encoder/reference.json")))

    @Test("the WordPiece tokenizer gives the reference tokenizer's ids: accents, punctuation, CJK, emoji, controls, long words",
          .enabled(if: EncoderWeights.available))
    func tokenizerMatchesReference() throws {
        let encoder = try EncoderWeights.load()
        for (text, ids) in zip(Self.reference.texts, Self.reference.ids) {
            #expect(encoder.tokenizer.encode(text, maxTokens: 256) == ids, "\(text)")
        }
    }

    @Test("long text is cut to the token limit, still framed by [CLS] and [SEP]")
    func truncation() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "word", "##s"])
        let ids = tokenizer.encode(String(repeating: "words ", count: 100), maxTokens: 9)
        #expect(ids == [2, 4, 5, 4, 5, 4, 5, 4, 3])
        #expect(tokenizer.encode("zzz word", maxTokens: 9) == [2, 1, 4, 3])
        #expect(throws: WordPieceTokenizer.VocabularyError.missing("[CLS]")) { try WordPieceTokenizer(vocabulary: ["[UNK]"]) }
    }

    @Test("sentence vectors match an independent forward pass of the same weights: within 2·10⁻⁵ in float32, within 3·10⁻³ (cosine above 0.999) in bfloat16",
          .enabled(if: EncoderWeights.available))
    func vectorsMatchReference() throws {
        let texts = Array(Self.reference.texts.prefix(Self.reference.vectors.count))
        for encoder in [try EncoderWeights.float32.get(), try EncoderWeights.load()] {
            let out = encoder.encode(texts)
            let tolerance: Float = encoder.precision == .float32 ? 2e-5 : 3e-3
            for (i, expected) in Self.reference.vectors.enumerated() {
                let got = Array(out[(i * 384)..<((i + 1) * 384)])
                let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 1
                let cosine = zip(got, expected).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                #expect(worst < tolerance && cosine > 0.999, "\(encoder.precision) \(texts[i]): largest difference \(worst), cosine \(cosine)")
                #expect(abs(got.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
            }
        }
    }

    @Test("a message encodes to the same bits alone or in a batch of any size",
          .enabled(if: EncoderWeights.available))
    func batchInvariance() throws {
        let encoder = try EncoderWeights.load()
        let texts = (0..<40).map { "Order \($0 * 7919) came short by \($0) cases, please check" } + Self.reference.texts
        let together = encoder.encode(texts)
        for (i, text) in texts.enumerated() {
            #expect(encoder.encode([text]) == Array(together[(i * 384)..<((i + 1) * 384)]), "\(text)")
        }
    }

    @Test("meaning, not wording: a paraphrase with no word in common is nearer than a different request",
          .enabled(if: EncoderWeights.available))
    func paraphraseIsNearer() throws {
        let v = try EncoderWeights.load().encode(["where is my order", "when will my package arrive", "I want a refund for the invoice"])
        func cos(_ a: Int, _ b: Int) -> Float { (0..<384).reduce(0) { $0 + v[a * 384 + $1] * v[b * 384 + $1] } }
        #expect(cos(0, 1) > cos(0, 2) + 0.1)
    }

    @Test("missing weights name the folder and the install step; altered weights are refused by checksum")
    func refusedFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("encoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: EncoderFiles.LoadError.notInstalled(dir.path)) { try EncoderFiles.load(from: dir.path) }
        #expect("\(EncoderFiles.LoadError.notInstalled(dir.path))".contains("scripts/install-encoder.sh"))
        try Data("[UNK]\n".utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        try Data(repeating: 7, count: 64).write(to: dir.appendingPathComponent("model.safetensors"))
        do {
            _ = try EncoderFiles.load(from: dir.path)
            Issue.record("altered weights were loaded")
        } catch {
            guard case .checksum(let file, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(file.hasSuffix("model.safetensors"))
        }
    }

    @Test("a malformed safetensors header is refused with the reason")
    func malformedSafeTensors() {
        #expect(throws: SafeTensors.ReadError.damaged("it is shorter than its header")) { try SafeTensors(Data([1, 2])) }
        var bytes = Data([200, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8)
        #expect(throws: SafeTensors.ReadError.damaged("the header length 200 does not fit the file")) { try SafeTensors(bytes) }
        let header = Data(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,80]}}"#.utf8)
        bytes = Data([UInt8(header.count), 0, 0, 0, 0, 0, 0, 0]) + header + Data(count: 8)
        #expect(throws: SafeTensors.ReadError.damaged("the entry for a is malformed")) { try SafeTensors(bytes) }
    }

    @Test("the matrix product equals the textbook one for every row count, on this machine's kernel, in float32 and (where the machine has it) bfloat16")
    func gemmMatchesTextbook() {
        var seed: UInt64 = 42
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 40) % 2001 - 1000) / 1000 }
        let k = 40, n = 128
        let w = (0..<(n * k)).map { _ in next() }, bias = (0..<n).map { _ in next() }
        var packed = [Float](repeating: 0, count: n * k)
        cw_pack(w, Int32(n), Int32(k), &packed)
        for m in [1, 5, 6, 7, 8, 13, 15, 29] {
            let a = (0..<(m * k)).map { _ in next() }
            var c = [Float](repeating: 0, count: m * n)
            cw_gemm(a, Int32(m), Int32(k), packed, Int32(n), bias, &c)
            for i in 0..<m { for j in 0..<n {
                var want = Double(bias[j])
                for kk in 0..<k { want += Double(a[i * k + kk]) * Double(w[j * k + kk]) }
                #expect(abs(Double(c[i * n + j]) - want) < 1e-4, "m=\(m) [\(i),\(j)] on \(SentenceEncoder.kernel)")
            } }
            guard cw_has_bf16() != 0 else { continue }
            // In bfloat16, the same product of the inputs rounded to bfloat16, summed in float.
            func round(_ x: Float) -> Double {
                let u = x.bitPattern
                return Double(Float(bitPattern: ((u &+ 0x7fff &+ ((u >> 16) & 1)) >> 16) << 16))
            }
            var pairs = [UInt32](repeating: 0, count: n * k / 2), scratch = [UInt32](repeating: 0, count: m * k / 2)
            cw_pack_bf16(w, Int32(n), Int32(k), &pairs)
            cw_gemm_bf16(a, Int32(m), Int32(k), pairs, Int32(n), bias, &c, &scratch)
            for i in 0..<m { for j in 0..<n {
                var want = Double(bias[j])
                for kk in 0..<k { want += round(a[i * k + kk]) * round(w[j * k + kk]) }
                #expect(abs(Double(c[i * n + j]) - want) < 1e-4, "bfloat16 m=\(m) [\(i),\(j)]")
            } }
        }
    }
}

extension SentenceEncoderTests {
    @Test("a huge message costs no more than its first words: a megabyte without spaces and one of words both stop at the limit")
    func hugeText() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "word", ".", "##s"])
        #expect(tokenizer.encode(String(repeating: "a", count: 1_000_000) + ". word", maxTokens: 8) == [2, 1, 5, 4, 3])
        let ids = tokenizer.encode(String(repeating: "words ", count: 200_000), maxTokens: 256)
        #expect(ids.count == 256 && ids.first == 2 && ids.last == 3)
    }
}
