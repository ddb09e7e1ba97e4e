/// One fact behind a finding, e.g. "contract price: 10.40".
public struct EvidenceItem: Sendable, Codable, Hashable {
    public var label: String
    public var expected: String?
    public var actual: String?
    public var note: String?

    public init(label: String, expected: String? = nil, actual: String? = nil, note: String? = nil) {
        self.label = label; self.expected = expected; self.actual = actual; self.note = note
    }
}

/// What a detector saw: the exception type, the part of the order it concerns, the
/// evidence a person needs to act without opening the ERP, and what is at stake.
public struct Finding: Sendable, Codable, Hashable {
    public var type: ExceptionType
    /// Identifies the finding within its order (e.g. `line:2`), so re-detection updates
    /// the same exception instead of opening another.
    public var key: String
    public var summary: String
    public var evidence: [EvidenceItem]
    public var moneyAtRisk: Money
    /// How the finding was reached: a rule id, or a model and its version.
    public var decidedBy: String
    /// The item the finding concerns, when it concerns one, and its product family: the
    /// dimensions root-cause analysis groups by.
    public var sku: String?
    public var productFamily: String?
    /// The queue the finding asks for instead of its type's (a customer request routed by
    /// what it asks); nil for the type's queue.
    public var queue: String?
    /// How a customer's message was read, for a customer request.
    public var triage: MessageTriage?

    public init(type: ExceptionType, key: String, summary: String, evidence: [EvidenceItem],
                moneyAtRisk: Money, decidedBy: String = "rules") {
        self.type = type; self.key = key; self.summary = summary; self.evidence = evidence
        self.moneyAtRisk = moneyAtRisk; self.decidedBy = decidedBy
    }

    /// The identity of the exception this finding opens: one per type and key per case.
    public var identity: String { "\(type.rawValue)#\(key)" }
}
