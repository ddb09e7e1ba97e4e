import ClearwayCore
import ClearwayIntelligence
import ClearwayTestSupport
import Testing

@Suite("Message classifier")
struct ClassifierTests {
    /// A seeded, stratified fifth of the public customer-service corpus: enough to learn
    /// its 27 request types, small enough for a debug build.
    static let corpus: (train: LabelledTexts, test: LabelledTexts) = {
        // Shipped in the repository (data/SOURCES.md); a missing file is a broken checkout.
        let all = try! LabelledTexts.read(csv: RepositoryFiles.bytes("data/support/bitext-customer-service.csv"), text: "utterance", label: "intent")
        let sample = all.subset(StratifiedSplit.split(labels: all.labels, testFraction: 0.2, seed: 7).test)
        let (train, test) = StratifiedSplit.split(labels: sample.labels, testFraction: 0.25, seed: 20_261_122)
        return (sample.subset(train), sample.subset(test))
    }()

    static func metadata(_ summary: TextClassifier.TrainingSummary) -> ModelMetadata {
        ModelMetadata(trainingDataHash: "test", trainedAt: "2026-11-22T00:00:00Z", training: ClassifierTraining(), summary: summary)
    }

    @Test("the split is stratified: every label is held out in proportion, and the same seed gives the same split")
    func stratifiedSplit() {
        let labels = Array(repeating: "a", count: 50) + Array(repeating: "b", count: 10)
        let first = StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 1)
        #expect(first.test.filter { labels[$0] == "a" }.count == 10)
        #expect(first.test.filter { labels[$0] == "b" }.count == 2)
        #expect(Set(first.train).isDisjoint(with: first.test) && first.train.count + first.test.count == 60)
        #expect(StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 1) == first)
        #expect(StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 2) != first)
    }

    @Test("training is deterministic: the same data and settings give the same model file, byte for byte")
    func deterministicTraining() throws {
        let (train, _) = Self.corpus
        #expect(train.count > 1_000)
        let a = TextClassifier.train(texts: train.texts, labels: train.labels)
        let b = TextClassifier.train(texts: train.texts, labels: train.labels)
        #expect(try ModelArtefact.encode(a.0, metadata: Self.metadata(a.1)) == ModelArtefact.encode(b.0, metadata: Self.metadata(b.1)))
    }

    @Test("a trained model reads held-out customer messages well, and keeps its answers through its file")
    func learnsAndRoundTrips() throws {
        let (train, test) = Self.corpus
        let (model, summary) = TextClassifier.train(texts: train.texts, labels: train.labels)
        #expect(model.labels.count == 27 && summary.converged)
        let report = test.evaluate(model)
        #expect(report.macroF1 > 0.95, "macro-F1 \(report.macroF1)")
        #expect(model.classify("I want to cancel my order SO-200117").label == "cancel_order")
        let (back, metadata) = try ModelArtefact.decode(try ModelArtefact.encode(model, metadata: Self.metadata(summary)))
        #expect(metadata.summary == summary)
        for text in test.texts.prefix(50) { #expect(back.classify(text) == model.classify(text)) }
    }

    @Test("a damaged or foreign model file is refused with a reason, never half-read")
    func damagedFilesAreRefused() throws {
        let (model, summary) = TextClassifier.train(texts: ["cancel it", "cancel my order", "where is it", "where is my order"],
                                                    labels: ["cancel", "cancel", "track", "track"])
        var bytes = try ModelArtefact.encode(model, metadata: Self.metadata(summary))
        #expect(throws: ModelArtefactError.notAModel) { try ModelArtefact.decode(Array("hello\n".utf8)) }
        #expect(throws: ModelArtefactError.damaged("its checksum does not match its contents")) { try ModelArtefact.decode(Array(bytes.dropLast(4))) }
        bytes[bytes.count - 3] ^= 0xFF
        #expect(throws: ModelArtefactError.damaged("its checksum does not match its contents")) { try ModelArtefact.decode(bytes) }
    }

    @Test("labelled examples written as CSV read back the same, quotes, commas and line breaks included; a missing column is named")
    func csvRoundTrip() throws {
        let data = LabelledTexts(texts: ["say \"hi\", then\nleave", "plain"], labels: ["a", "b"])
        let back = try LabelledTexts.read(csv: Array(data.csv().utf8), text: "text", label: "label")
        #expect(back.texts == data.texts && back.labels == data.labels)
        #expect(throws: LabelledTexts.Problem.missingColumn("intent", available: ["text", "label"])) {
            try LabelledTexts.read(csv: Array(data.csv().utf8), text: "text", label: "intent")
        }
        #expect(throws: LabelledTexts.Problem.blank(line: 2, column: "label")) {
            try LabelledTexts.read(csv: Array("text,label\nhello,\n".utf8), text: "text", label: "label")
        }
    }

    @Test("macro-F1 averages every label in truth or prediction; a label the model never saw is an error")
    func reportMetrics() {
        let r = ClassificationReport(truth: ["a", "a", "b", "c"], predicted: ["a", "b", "b", "a"], confidence: [0.9, 0.6, 0.8, 0.7],
                                     modelLabels: ["a", "b"], groups: ["site": ["X", "X", "Y", "Y"]])
        #expect(r.accuracy == 0.5)
        // a: p 1/2 r 1/2 f 1/2; b: p 1/2 r 1 f 2/3; c: f 0.
        #expect(abs(r.macroF1 - (0.5 + 2.0 / 3.0) / 3) < 1e-12)
        #expect(r.unseenLabels == ["c"])
        #expect(r.confusion == [[1, 1, 0], [0, 1, 0], [1, 0, 0]])
        #expect(r.groups["site"]?.map { "\($0.value) \($0.n) \($0.accuracy)" } == ["X 2 0.5", "Y 2 0.5"])
    }

    @Test("order numbers, items, quantities and dates are found in a customer's text")
    func extraction() {
        let d = MessageExtractor.details(in: "Re: PO 4471 / order #200117 - please send 40 cases of SKU-10042 and 2 pallets BOLT-M8-50 by Nov 30 or 2026-12-02, not 12/5.")
        #expect(d.orderNumbers == ["PO-4471", "200117"])
        #expect(d.skus == ["SKU-10042", "BOLT-M8-50"])
        #expect(d.quantities == ["40 cases", "2 pallets"])
        #expect(d.dates == ["Nov 30", "2026-12-02", "12/5"])
        #expect(MessageExtractor.orderNumbers(in: "Cancel SO-200117 and so200118 please") == ["SO-200117", "SO-200118"])
        #expect(MessageExtractor.details(in: "Hello, just checking in").isEmpty)
    }

    @Test("drift: the same population is stable, a shifted one is not")
    func drift() {
        let base = TextProfile(texts: ["a b", "a b c d", "a b c d e f g h"], predictions: ["x", "y", "x"])
        #expect(base.drift(of: base).inputStability == 0 && base.drift(of: base).predictionStability == 0)
        let shifted = TextProfile(texts: Array(repeating: String(repeating: "w ", count: 40), count: 3), predictions: ["z", "z", "z"])
        #expect(base.drift(of: shifted).inputStability > 0.25 && base.drift(of: shifted).predictionStability > 0.25)
    }
}
