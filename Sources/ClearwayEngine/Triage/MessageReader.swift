import ClearwayCore
import ClearwayIntelligence
import Foundation
import Synchronization

/// Reads customer messages at intake: the serving classifier when one is loaded and sure
/// enough, the keyword rules otherwise. Keeps the model in memory, its health (what is
/// serving, or why nothing is) and counts of who decided, for the console and /metrics.
/// Never throws: a missing, damaged or failing model means the rules decide.
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
    }

    struct State {
        var serving: Serving?
        var problem: String?
        var byModel = 0, byRules = 0, failures = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var health: Health {
        state.withLock { s in
            Health(version: s.serving?.version, problem: s.problem, decidedByModel: s.byModel, decidedByRules: s.byRules,
                   modelFailures: s.failures, labels: s.serving?.classifier.labels.count ?? 0)
        }
    }

    public var serving: Serving? { state.withLock { $0.serving } }

    /// Puts a decoded model in service, or (nil) takes the model out, with the reason shown as a warning.
    func install(_ serving: Serving?, problem: String?) {
        state.withLock { $0.serving = serving; $0.problem = problem }
    }

    /// The reading of one message under the policy's threshold and routing.
    public func read(_ message: CustomerMessage, policy: Policy) -> MessageTriage {
        let text = message.readableText
        let details = MessageExtractor.details(in: text)
        let defaultQueue = policy.global.rule(for: .customerRequest).queue
        let serving = self.serving
        var note: String?
        var confidence: Double?
        if let serving {
            let prediction = serving.classifier.classify(text)
            if prediction.confidence.isFinite {
                confidence = prediction.confidence
                if prediction.confidence >= policy.triage.confidenceThreshold {
                    state.withLock { $0.byModel += 1 }
                    return MessageTriage(requestType: prediction.label, decidedBy: .model, confidence: prediction.confidence,
                                         modelVersion: "\(Self.kind)@\(serving.version)", note: nil,
                                         queue: policy.triage.queue(for: prediction.label, defaultQueue: defaultQueue), details: details)
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
        return MessageTriage(requestType: type, decidedBy: .rules, confidence: confidence,
                             modelVersion: serving.map { "\(Self.kind)@\($0.version)" }, note: "\(because); \(note ?? "")",
                             queue: policy.triage.queue(for: type, defaultQueue: defaultQueue), details: details)
    }

    static func percent(_ p: Double) -> String { "\(Int((p * 100).rounded()))%" }
}
