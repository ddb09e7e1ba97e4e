import Yams

/// How customer messages are read and routed: how sure the classifier must be before its
/// answer is used (below it the rules decide), and which queue each request type goes to
/// (unlisted types go to the `customer.request` queue).
public struct TriageSettings: Sendable, Hashable {
    public var confidenceThreshold: Double
    public var requestQueues: [String: String]
    /// What a classifier must show to be put in service automatically.
    public var modelGate = ModelGate()
    /// What a breach-risk model must show to be put in service automatically.
    public var riskGate = RiskGate()

    public init(confidenceThreshold: Double = 0.6, requestQueues: [String: String] = [:]) {
        self.confidenceThreshold = confidenceThreshold; self.requestQueues = requestQueues
    }

    /// Whether a text can name a request type: lower-case letters, digits and `_`, at most 64.
    public static func isRequestTypeName(_ s: String) -> Bool { TriageSection.isName(s) }

    /// The queue for a request type, falling back to `defaultQueue`.
    public func queue(for requestType: String, defaultQueue: String) -> String { requestQueues[requestType] ?? defaultQueue }
}

enum TriageSection {
    static let keys: Set<String> = ["confidenceThreshold", "requestQueues", "modelGate", "riskGate"]
    static let gateKeys: Set<String> = ["minMacroF1", "minExamplesPerLabel"]
    static let riskGateKeys: Set<String> = ["minAUC", "maxCalibrationError", "minMeasured"]

    static func read(_ root: Node, _ r: YAMLNodeReader) -> TriageSettings {
        var settings = TriageSettings()
        guard let node = r.child(root, "triage") else { return settings }
        _ = r.mapping(node, "triage", allowed: keys)
        if let t = r.child(node, "confidenceThreshold"), let value = r.number(t, "triage.confidenceThreshold", range: 0...1) {
            settings.confidenceThreshold = value
        }
        for (type, typeNode, queueNode) in r.mapping(r.child(node, "requestQueues"), "triage.requestQueues") {
            guard isName(type) else { r.issue(typeNode, "triage.requestQueues: '\(type)' is not a request type name (lower case letters, digits and _)"); continue }
            guard let queue = r.string(queueNode, "triage.requestQueues.\(type)") else { continue }
            guard isName(queue) else { r.issue(queueNode, "triage.requestQueues.\(type): '\(queue)' is not a queue name (lower case letters, digits and _)"); continue }
            settings.requestQueues[type] = queue
        }
        if let gate = r.child(node, "modelGate") {
            _ = r.mapping(gate, "triage.modelGate", allowed: gateKeys)
            if let f1 = r.number(r.child(gate, "minMacroF1"), "triage.modelGate.minMacroF1", range: 0...1) { settings.modelGate.minMacroF1 = f1 }
            if let n = r.number(r.child(gate, "minExamplesPerLabel"), "triage.modelGate.minExamplesPerLabel", range: 0...1_000_000) {
                settings.modelGate.minExamplesPerLabel = Int(n)
            }
        }
        if let gate = r.child(node, "riskGate") {
            _ = r.mapping(gate, "triage.riskGate", allowed: riskGateKeys)
            if let auc = r.number(r.child(gate, "minAUC"), "triage.riskGate.minAUC", range: 0...1) { settings.riskGate.minAUC = auc }
            if let ece = r.number(r.child(gate, "maxCalibrationError"), "triage.riskGate.maxCalibrationError", range: 0...1) {
                settings.riskGate.maxCalibrationError = ece
            }
            if let n = r.number(r.child(gate, "minMeasured"), "triage.riskGate.minMeasured", range: 0...1_000_000) { settings.riskGate.minMeasured = Int(n) }
        }
        return settings
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
