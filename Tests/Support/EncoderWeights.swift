import ClearwayIntelligence
import Foundation

/// The sentence encoder's weights for tests: `$CLEARWAY_ENCODER_DIR` or the repository's
/// `models/all-MiniLM-L6-v2` (scripts/install-encoder.sh). `CLEARWAY_REQUIRE_ENCODER=1` (set by
/// CI) turns missing weights into a failure, not a skip. Loaded once per test process.
public enum EncoderWeights {
    public static let directory = ProcessInfo.processInfo.environment["CLEARWAY_ENCODER_DIR"]
        ?? RepositoryFiles.url(EncoderFiles.defaultDirectory).path
    public static let required = ProcessInfo.processInfo.environment["CLEARWAY_REQUIRE_ENCODER"] == "1"
    public static var available: Bool { required || EncoderFiles.installed(in: directory) }

    public static let encoder: Result<SentenceEncoder, EncoderFiles.LoadError> = Result { () throws(EncoderFiles.LoadError) in
        try EncoderFiles.load(from: directory)
    }

    public static func load() throws -> SentenceEncoder { try encoder.get() }

    /// The same weights multiplied in float32 whatever the machine has, for exactness checks.
    public static let float32: Result<SentenceEncoder, EncoderFiles.LoadError> = Result { () throws(EncoderFiles.LoadError) in
        try EncoderFiles.load(from: directory, precision: .float32)
    }
}

extension EncoderWeights {
    /// A sentence model's file, trained on a stratified tenth of the public corpus with the
    /// encoder (a few seconds), for tests of how it is served.
    public static func sentenceModelFile() throws -> [UInt8] {
        let encoder = try load()
        let all = try LabelledTexts.read(csv: RepositoryFiles.bytes("data/support/bitext-customer-service.csv"), text: "utterance", label: "intent")
        let sample = all.subset(StratifiedSplit.split(labels: all.labels, testFraction: 0.1, seed: 11).test)
        let (model, summary) = TextClassifier.train(texts: sample.texts, labels: sample.labels, encoder: encoder)
        return try file(model, summary, trainedOn: sample, measuredOn: sample, hash: "tenth")
    }

    /// The file of a sentence model, with both its parts measured on `test`.
    public static func file(_ model: TextClassifier, _ summary: TextClassifier.TrainingSummary, trainedOn train: LabelledTexts,
                            measuredOn test: LabelledTexts, hash: String) throws -> [UInt8] {
        var metadata = ModelMetadata(trainingDataHash: hash, trainedAt: "2026-11-22T00:00:00Z", training: ClassifierTraining(), summary: summary,
                                     evaluation: test.evaluate(model, encoder: try load()), labelCounts: train.labelCounts)
        metadata.wordsOnlyEvaluation = test.evaluate(model)
        return try ModelArtefact.encode(model, metadata: metadata)
    }
}
