/// How a customer's message was read at intake: its request type, who decided it (the
/// learned model, or the deterministic rules when the model is absent, failed or was
/// unsure), and the order numbers, items, quantities and dates found in its text.
public struct MessageTriage: Sendable, Codable, Hashable {
    /// `person` when someone corrected the reading afterwards.
    public enum Decider: String, Sendable, Codable, Hashable { case model, rules, person }

    public var requestType: String
    public var decidedBy: Decider
    /// The model's probability for its answer; also kept when the rules overrode an unsure model.
    public var confidence: Double?
    public var modelVersion: String?
    /// The rule's matched phrase, or why the rules decided instead of the model.
    public var note: String?
    /// The queue the policy sends this request type to.
    public var queue: String
    public var details: MessageDetails
    /// Cosine between the message's sentence vector and the nearest request type the model
    /// learned (read with sentence vectors only): what meaning drift is measured on.
    public var nearness: Double?

    public init(requestType: String, decidedBy: Decider, confidence: Double?, modelVersion: String?, note: String?,
                queue: String, details: MessageDetails) {
        self.requestType = requestType; self.decidedBy = decidedBy; self.confidence = confidence
        self.modelVersion = modelVersion; self.note = note; self.queue = queue; self.details = details
    }
}

/// What a message's text names, as written (order numbers upper-cased).
public struct MessageDetails: Sendable, Codable, Hashable {
    public var orderNumbers: [String]
    public var skus: [String]
    public var quantities: [String]
    public var dates: [String]

    public init(orderNumbers: [String] = [], skus: [String] = [], quantities: [String] = [], dates: [String] = []) {
        self.orderNumbers = orderNumbers; self.skus = skus; self.quantities = quantities; self.dates = dates
    }

    public var isEmpty: Bool { orderNumbers.isEmpty && skus.isEmpty && quantities.isEmpty && dates.isEmpty }
}
