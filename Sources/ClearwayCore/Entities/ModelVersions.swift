import Foundation

/// One stored version of a trained model (the file itself is read separately).
public struct StoredModelVersion: Sendable, Hashable {
    public var kind: String
    public var version: Int
    public var createdAt: Instant
    public var createdBy: String
    /// SHA-256 of the training examples.
    public var dataHash: String
    /// The model's own description of itself (training summary and metrics), as JSON.
    public var summary: String

    public init(kind: String, version: Int, createdAt: Instant, createdBy: String, dataHash: String, summary: String) {
        self.kind = kind; self.version = version; self.createdAt = createdAt; self.createdBy = createdBy
        self.dataHash = dataHash; self.summary = summary
    }
}

/// One change of which version serves: `promote` puts a version in service, `rollback`
/// returns to the one that served before.
public struct ModelServingChange: Sendable, Hashable {
    public enum Change: String, Sendable { case promote, rollback }
    public var seq: Int
    public var version: Int
    public var change: Change
    public var changedBy: String
    public var changedAt: Instant
    public var reason: String?

    public init(seq: Int, version: Int, change: Change, changedBy: String, changedAt: Instant, reason: String?) {
        self.seq = seq; self.version = version; self.change = change; self.changedBy = changedBy; self.changedAt = changedAt; self.reason = reason
    }

    /// The versions in service, oldest first, after replaying the history: a promotion
    /// pushes its version, a rollback pops the current one. The last is the one serving.
    public static func stack(_ history: [ModelServingChange]) -> [Int] {
        var stack: [Int] = []
        for entry in history.sorted(by: { $0.seq < $1.seq }) {
            switch entry.change {
            case .promote: if stack.last != entry.version { stack.append(entry.version) }
            case .rollback: if !stack.isEmpty { stack.removeLast() }
            }
        }
        return stack
    }
}

/// A labelled example a person gave by correcting how a message was read.
public struct TrainingExample: Sendable, Hashable {
    public var id: String
    public var text: String
    public var label: String
    public var previousLabel: String?
    public var sourceId: String?
    public var addedBy: String
    public var addedAt: Instant

    public init(id: String, text: String, label: String, previousLabel: String?, sourceId: String?, addedBy: String, addedAt: Instant) {
        self.id = id; self.text = text; self.label = label; self.previousLabel = previousLabel
        self.sourceId = sourceId; self.addedBy = addedBy; self.addedAt = addedAt
    }
}
