import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

/// The message classifier with sentence vectors beside TF-IDF: what it learns, how it is
/// stored, and how a node without the encoder still reads with it.
@Suite("Reading messages with sentence vectors", .enabled(if: EncoderWeights.available))
struct SentenceReaderTests {
    /// The sample TriageTests trains on, with the sentence encoder.
    static let trained: (TextClassifier, TextClassifier.TrainingSummary)? = {
        guard let encoder = try? EncoderWeights.load() else { return nil }
        let (train, _) = ClassifierTests.corpus
        return TextClassifier.train(texts: train.texts, labels: train.labels, encoder: encoder)
    }()

    static func file() throws -> [UInt8] {
        let (model, summary) = try #require(trained)
        return try EncoderWeights.file(model, summary, trainedOn: ClassifierTests.corpus.train, measuredOn: ClassifierTests.corpus.test, hash: "sample")
    }

    static let paraphrases = try! LabelledTexts.read(csv: RepositoryFiles.bytes("data/style-shift/paraphrases.csv"), text: "utterance", label: "intent")

    @Test("sentence vectors carry the request across wording: on paraphrases no training text resembles, the model reads far better than TF-IDF alone, and no worse in-distribution")
    func generalisesAcrossWording() throws {
        let (model, summary) = try #require(Self.trained)
        let encoder = try EncoderWeights.load()
        #expect(model.sentence?.encoder == EncoderFiles.name && summary.features == model.vectorizer.featureCount + 384)
        let withVectors = Self.paraphrases.evaluate(model, encoder: encoder).macroF1
        let wordsOnly = Self.paraphrases.evaluate(model).macroF1
        #expect(withVectors > wordsOnly + 0.15, "paraphrases: \(withVectors) with sentence vectors, \(wordsOnly) with TF-IDF alone")
        let test = ClassifierTests.corpus.test
        #expect(test.evaluate(model, encoder: encoder).macroF1 >= test.evaluate(model).macroF1 - 0.01)
    }

    @Test("a sentence model's file keeps both regressions: it round-trips, reads the same, and a file cut short is refused")
    func fileRoundTrip() throws {
        let bytes = try Self.file()
        #expect(String(decoding: bytes.prefix(17), as: UTF8.self) == "CLEARWAY-MODEL 2 ")
        let (model, metadata) = try ModelArtefact.decode(bytes)
        let (original, _) = try #require(Self.trained)
        let encoder = try EncoderWeights.load()
        #expect(metadata.sentence == original.sentence && metadata.wordsOnlyEvaluation != nil)
        let texts = Array(Self.paraphrases.texts.prefix(20)), vectors = encoder.encode(texts)
        var a = TextClassifier.Scratch(), b = TextClassifier.Scratch()
        for (i, t) in texts.enumerated() {
            let v = vectors[(i * 384)..<((i + 1) * 384)]
            #expect(model.predict(t, vector: v, scratch: &a) == original.predict(t, vector: v, scratch: &b))
            #expect(model.predict(t, scratch: &a) == original.predict(t, scratch: &b))
        }
        var cut = Array(bytes.dropLast(4))
        #expect(throws: ModelArtefactError.self) { try ModelArtefact.decode(cut) }
        cut = bytes
        cut[15] = UInt8(ascii: "1")  // claims to be a TF-IDF model
        #expect(throws: ModelArtefactError.self) { try ModelArtefact.decode(cut) }
    }

    @Test("a node without the encoder reads with the model's TF-IDF part and says why; with the encoder the same version reads sentence vectors",
          arguments: TestDatabaseKind.available)
    func nodeWithoutEncoder(_ kind: TestDatabaseKind) async throws {
        let bytes = try Self.file()
        try await TestDatabase.with(kind) { db in
            let triage = TriageTests()
            let engine = try triage.engine(db)
            try await triage.seed(engine)
            let stored = try await engine.registerModel(bytes, by: TriageTests.admin)
            try await engine.promoteModel(version: stored.version, by: TriageTests.admin, reason: "reads meaning")
            #expect(engine.messageReader.health.reading == .words && engine.messageReader.health.modelReadsSentences)
            #expect(engine.messageReader.health.encoderProblem == "no sentence encoder is configured")
            let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-encoder-\(UUID().uuidString)").path
            let problem = try #require(engine.messageReader.loadEncoder(from: missing))
            #expect(problem.contains(missing) && problem.contains("scripts/install-encoder.sh"))
            let words = try await triage.mail(engine, id: "M1", "Invoice", "I need to get the invoice for order SO-200117, where can I download it?")
            #expect(words.finding.decidedBy == "model" && words.finding.triage?.requestType == "get_invoice")
            #expect(words.finding.triage?.nearness == nil)

            #expect(engine.messageReader.loadEncoder(from: EncoderWeights.directory) == nil)
            #expect(engine.messageReader.health.reading == .sentence && engine.messageReader.health.encoder == EncoderFiles.name)
            // Trained on a fifth of the corpus, the model is sure of less: the policy may say so.
            var policy = engine.policy
            policy.triage.confidenceThreshold = 0.3
            engine.setPolicy(policy)
            let sentence = try await triage.mail(engine, id: "M2", "Status", "Has our delivery left your warehouse yet? It is order SO-200117")
            #expect(sentence.finding.decidedBy == "model" && sentence.finding.triage?.requestType == "track_order", "\(String(describing: sentence.finding.triage))")
            #expect((sentence.finding.triage?.nearness ?? 0) > 0.3)
        }
    }

    @Test("drift in meaning: messages written unlike anything trained on move the nearness profile; held-out messages like the training set do not")
    func meaningDrift() throws {
        let (model, _) = try #require(Self.trained)
        let encoder = try EncoderWeights.load()
        func profile(_ texts: LabelledTexts) -> TextProfile {
            let v = encoder.encode(texts.texts)
            return TextProfile(texts: texts.texts, predictions: texts.labels,
                               nearness: texts.texts.indices.compactMap { model.nearness(v[($0 * 384)..<(($0 + 1) * 384)]) })
        }
        let baseline = profile(ClassifierTests.corpus.train)
        let german = try LabelledTexts.read(csv: RepositoryFiles.bytes("data/style-shift/german.csv"), text: "utterance", label: "intent")
        let same = try #require(baseline.drift(of: profile(ClassifierTests.corpus.test)).meaningStability)
        let shifted = try #require(baseline.drift(of: profile(german)).meaningStability)
        #expect(same < 0.1 && shifted > 0.25, "held-out \(same), German \(shifted)")
        #expect(baseline.drift(of: TextProfile(texts: ["x"], predictions: ["track_order"])).meaningStability == nil)
    }
}
