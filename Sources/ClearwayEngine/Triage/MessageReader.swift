import ClearwayCore
import ClearwayIntelligence
import Foundation
import Synchronization

/// Reads customer messages at intake: the serving classifier when one is loaded and sure
/// enough, the keyword rules otherwise. Keeps the model and the node's sentence encoder in
/// memory, their health (what is serving and how it reads, or why nothing is) and counts of
/// who decided, for the console and /metrics. Never throws: a missing, damaged or failing
/// model means the rules decide; a missing encoder means a sentence model reads with its
/// TF-IDF regression alone.
public final class MessageReader: Sendable {
    public static let kind = "message-classifier"

    public struct Serving: Sendable {
        public var version: Int
        public var classifier: TextClassifier
        public var metadata: ModelMetadata
    }

    /// What the console and /metrics show.
    public struct Health: Sendable, Hashable {
        /// The version in memory, nil when the rules decide everything.
        public var version: Int?
        /// Why no model serves although one should (damaged file, failed load); nil when healthy.
        public var problem: String?
        public var decidedByModel: Int
        public var decidedByRules: Int
        public var modelFailures: Int
        public var labels: Int
        /// How the serving model reads messages on this node (nil: no model serves).
        public var reading: TextClassifier.Reading?
        /// The sentence encoder loaded on this node, by name.
        public var encoder: String?
        /// How its products run here (instruction set and precision).
        public var encoderArithmetic: String?
        /// Why the node has no sentence encoder (weights not installed, or refused).
        public var encoderProblem: String?
        /// Whether the serving model was trained with sentence vectors.
        public var modelReadsSentences: Bool
    }

    struct State {
        var serving: Serving?
        var problem: String?
        var encoder: SentenceEncoder?
        var encoderProblem: String? = "no sentence encoder is configured"
        var byModel = 0, byRules = 0, failures = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var health: Health {
        state.withLock { s in
            Health(version: s.serving?.version, problem: s.problem, decidedByModel: s.byModel, decidedByRules: s.byRules,
                   modelFailures: s.failures, labels: s.serving?.classifier.labels.count ?? 0,
                   reading: s.serving.map { Self.encoder(s.encoder, for: $0.classifier) != nil ? .sentence : .words },
                   encoder: s.encoder.map { _ in EncoderFiles.name }, encoderArithmetic: s.encoder?.arithmetic, encoderProblem: s.encoderProblem,
                   modelReadsSentences: s.serving?.classifier.sentence != nil)
        }
    }

    /// Loads the sentence encoder from `directory` (nil: none), or keeps why it could not.
    /// Returns that reason.
    @discardableResult
    public func loadEncoder(from directory: String?) -> String? {
        guard let directory else {
            state.withLock { $0.encoder = nil; $0.encoderProblem = "no sentence encoder is configured" }
            return "no sentence encoder is configured"
        }
        switch Result(catching: { () throws(EncoderFiles.LoadError) in try EncoderFiles.load(from: directory) }) {
        case .success(let encoder):
            state.withLock { $0.encoder = encoder; $0.encoderProblem = nil }
            return nil
        case .failure(let error):
            state.withLock { $0.encoder = nil; $0.encoderProblem = "\(error)" }
            return "\(error)"
        }
    }

    /// The encoder `classifier` reads with here: only the one it was trained with.
    static func encoder(_ encoder: SentenceEncoder?, for classifier: TextClassifier) -> SentenceEncoder? {
        guard let sentence = classifier.sentence, let encoder, sentence.matches(encoder) else { return nil }
        return encoder
    }

    public var serving: Serving? { state.withLock { $0.serving } }

    /// The sentence encoder loaded on this node, if any.
    public var encoder: SentenceEncoder? { state.withLock { $0.encoder } }

    /// Puts a decoded model in service, or (nil) takes the model out, with the reason shown as a warning.
    func install(_ serving: Serving?, problem: String?) {
        state.withLock { $0.serving = serving; $0.problem = problem }
    }

    /// The reading of one message under the policy's threshold and routing.
    public func read(_ message: CustomerMessage, policy: Policy) -> MessageTriage {
        read([message], policy: policy)[0]
    }

    /// The readings of several messages (one delivery's): their sentence vectors are made
    /// in one batch, which costs each message a fraction of reading it alone.
    public func read(_ messages: [CustomerMessage], policy: Policy) -> [MessageTriage] {
        let (serving, encoder) = state.withLock { ($0.serving, $0.encoder) }
        let texts = messages.map(\.readableText)
        guard let serving, let encoder = Self.encoder(encoder, for: serving.classifier) else {
            return texts.map { read($0, serving: serving, vector: nil, policy: policy) }
        }
        let vectors = encoder.encode(texts), d = encoder.dimensions
        return texts.enumerated().map { i, text in read(text, serving: serving, vector: vectors[(i * d)..<((i + 1) * d)], policy: policy) }
    }

    func read(_ text: String, serving: Serving?, vector: ArraySlice<Float>?, policy: Policy) -> MessageTriage {
        let details = MessageExtractor.details(in: text)
        let defaultQueue = policy.global.rule(for: .customerRequest).queue
        var note: String?
        var confidence: Double?
        let nearness = vector.flatMap { serving?.classifier.nearness($0) }
        if let serving {
            let prediction = serving.classifier.classify(text, vector: vector)
            if prediction.confidence.isFinite {
                confidence = prediction.confidence
                if prediction.confidence >= policy.triage.confidenceThreshold {
                    state.withLock { $0.byModel += 1 }
                    var triage = MessageTriage(requestType: prediction.label, decidedBy: .model, confidence: prediction.confidence,
                                               modelVersion: "\(Self.kind)@\(serving.version)", note: nil,
                                               queue: policy.triage.queue(for: prediction.label, defaultQueue: defaultQueue), details: details)
                    triage.nearness = nearness
                    return triage
                }
                note = "model \(Self.kind)@\(serving.version) read \(prediction.label) at \(Self.percent(prediction.confidence)), below the policy's \(Self.percent(policy.triage.confidenceThreshold))"
            } else {
                state.withLock { $0.failures += 1 }
                note = "model \(Self.kind)@\(serving.version) gave no usable answer"
            }
        } else {
            note = state.withLock { $0.problem.map { "no model serves: \($0)" } } ?? "no model serves"
        }
        state.withLock { $0.byRules += 1 }
        let (type, matched) = CustomerRequestRule.classify(text)
        let because = matched.map { "matched \"\($0)\"" } ?? "no keyword matched"
        var triage = MessageTriage(requestType: type, decidedBy: .rules, confidence: confidence,
                                   modelVersion: serving.map { "\(Self.kind)@\($0.version)" }, note: "\(because); \(note ?? "")",
                                   queue: policy.triage.queue(for: type, defaultQueue: defaultQueue), details: details)
        triage.nearness = nearness
        return triage
    }

    static func percent(_ p: Double) -> String { "\(Int((p * 100).rounded()))%" }
}
