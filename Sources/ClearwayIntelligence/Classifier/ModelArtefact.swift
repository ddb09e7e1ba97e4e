import ClearwayCore
import Foundation

/// What a model file says about itself besides its weights.
public struct ModelMetadata: Sendable, Hashable, Codable {
    /// SHA-256 of the training examples (text and label of each, in order).
    public var trainingDataHash: String
    public var trainedAt: String
    public var training: ClassifierTraining
    public var summary: TextClassifier.TrainingSummary
    /// Measured on held-out data when the trainer had some.
    public var evaluation: ClassificationReport?
    /// The training set's profile, the baseline drift is measured against.
    public var profile: TextProfile?
    /// Training examples per label (absent in files written before it was recorded).
    public var labelCounts: [String: Int]?
    /// The sentence encoder the model also reads with (nil: TF-IDF alone).
    public var sentence: SentenceFeatures?
    /// The words-only regression measured on the same held-out data, for when the encoder
    /// is not available.
    public var wordsOnlyEvaluation: ClassificationReport?

    public init(trainingDataHash: String, trainedAt: String, training: ClassifierTraining, summary: TextClassifier.TrainingSummary,
                evaluation: ClassificationReport? = nil, profile: TextProfile? = nil, labelCounts: [String: Int]? = nil) {
        self.trainingDataHash = trainingDataHash; self.trainedAt = trainedAt; self.training = training
        self.summary = summary; self.evaluation = evaluation; self.profile = profile; self.labelCounts = labelCounts
    }

    /// Why this model may not be put in service automatically under `gate`; empty when it may.
    public func problems(under gate: ModelGate) -> [String] {
        gate.problems(macroF1: evaluation?.macroF1, labelCounts: labelCounts)
    }
}

/// Why a model file could not be used.
public enum ModelArtefactError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAModel
    case unsupportedFormat(String)
    case damaged(String)

    public var description: String {
        switch self {
        case .notAModel: "the file is not a Clearway model (it does not start with \(ModelArtefact.magic))"
        case .unsupportedFormat(let f): "the model file's format \(f) is not one this version reads"
        case .damaged(let why): "the model file is damaged: \(why)"
        }
    }
}

/// The file a trained classifier is saved in: a first line naming the format and a
/// checksum of everything after it, a JSON header (labels, vocabulary, metadata), then the
/// weights as little-endian 32-bit floats. A truncated or altered file is refused whole.
/// Format 2 is a model that also reads sentence vectors: after its weights come those of
/// its words-only regression.
public enum ModelArtefact {
    public static let magic = "CLEARWAY-MODEL"
    static let formats = ["1", "2"]

    struct Header: Codable {
        var kind = "message-classifier"
        var labels: [String]
        var analyzer: TextAnalyzer
        var wordFeatures: Int
        var terms: [String]
        var idf: [Float]
        var metadata: ModelMetadata
        /// Each label's mean sentence vector (format 2).
        var centroids: [Float]?
    }

    public static func encode(_ model: TextClassifier, metadata: ModelMetadata) throws -> [UInt8] {
        var metadata = metadata
        metadata.sentence = model.sentence
        let header = Header(labels: model.labels, analyzer: model.vectorizer.analyzer, wordFeatures: model.vectorizer.wordFeatures,
                            terms: model.vectorizer.terms, idf: model.vectorizer.idf, metadata: metadata,
                            centroids: model.centroids)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        var body = Array("\(json.count)\n".utf8) + Array(json)
        let regressions = [model.regression] + (model.wordsOnly.map { [$0] } ?? [])
        body.reserveCapacity(body.count + 4 * regressions.reduce(0) { $0 + $1.weights.count + $1.bias.count })
        for r in regressions {
            for v in r.weights + r.bias { withUnsafeBytes(of: v.bitPattern.littleEndian) { body += $0 } }
        }
        return Array("\(magic) \(model.sentence == nil ? "1" : "2") \(checksum(body))\n".utf8) + body
    }

    public static func decode(_ bytes: [UInt8]) throws(ModelArtefactError) -> (TextClassifier, ModelMetadata) {
        guard let firstEnd = bytes.firstIndex(of: 10), let first = String(bytes: bytes[..<firstEnd], encoding: .utf8) else { throw .notAModel }
        let parts = first.split(separator: " ")
        guard parts.count == 3, parts[0] == magic else { throw .notAModel }
        guard formats.contains(String(parts[1])) else { throw .unsupportedFormat(String(parts[1])) }
        let body = bytes[(firstEnd + 1)...]
        guard checksum(body) == parts[2] else { throw .damaged("its checksum does not match its contents") }
        guard let lengthEnd = body.firstIndex(of: 10), let length = Int(String(decoding: body[body.startIndex..<lengthEnd], as: UTF8.self)),
              length > 0, lengthEnd + 1 + length <= body.endIndex else { throw .damaged("the header length is missing") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(body[(lengthEnd + 1)..<(lengthEnd + 1 + length)])) } catch {
            throw .damaged("the header is not readable")
        }
        let k = header.labels.count, f = header.terms.count
        let sentence = header.metadata.sentence
        guard (sentence != nil) == (parts[1] == "2") else { throw .damaged("its format and its sentence features disagree") }
        let fs = f + (sentence?.dimensions ?? 0)
        let floats = body[(lengthEnd + 1 + length)...]
        let expected = (k * fs + k) + (sentence == nil ? 0 : k * f + k)
        guard header.kind == "message-classifier", k >= 2, header.idf.count == f, header.wordFeatures <= f,
              (0...4_096).contains(sentence?.dimensions ?? 0), floats.count == 4 * expected else {
            throw .damaged("its weights do not fit its vocabulary")
        }
        var values = [Float](repeating: 0, count: expected)
        var i = floats.startIndex
        for n in values.indices {
            let bits = UInt32(floats[i]) | UInt32(floats[i + 1]) << 8 | UInt32(floats[i + 2]) << 16 | UInt32(floats[i + 3]) << 24
            values[n] = Float(bitPattern: bits)
            i += 4
        }
        func regression(at start: Int, features: Int) -> SoftmaxRegression {
            SoftmaxRegression(classes: k, features: features, weights: Array(values[start..<(start + k * features)]),
                              bias: Array(values[(start + k * features)..<(start + k * features + k)]))
        }
        let vectorizer = TfidfVectorizer(analyzer: header.analyzer, terms: header.terms, idf: header.idf, wordFeatures: header.wordFeatures)
        let wordsOnly = sentence.map { _ in regression(at: k * fs + k, features: f) }
        return (TextClassifier(labels: header.labels, vectorizer: vectorizer, regression: regression(at: 0, features: fs),
                               sentence: sentence, wordsOnly: wordsOnly, centroids: header.centroids), header.metadata)
    }

    /// FNV-1a, 64-bit, as hex: enough to notice a damaged file (not a signature).
    static func checksum(_ bytes: some Collection<UInt8>) -> Substring {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return Substring(String(repeating: "0", count: 16 - hex.count) + hex)
    }
}
