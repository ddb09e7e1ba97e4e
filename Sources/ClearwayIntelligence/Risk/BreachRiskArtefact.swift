import Foundation

/// What a stored breach-risk version says about itself: what it learnt from and how it
/// measured, as people review it before it serves.
public struct BreachRiskCard: Codable, Sendable, Hashable {
    public struct Measured: Codable, Sendable, Hashable {
        public var n: Int, positives: Int, auc: Double, brier: Double, calibrationError: Double
        public init(_ r: BinaryReport) {
            n = r.n; positives = r.positives; auc = r.auc; brier = r.brier; calibrationError = r.expectedCalibrationError
        }
    }

    public var formulation = "discrete-time hazard, open work censored"
    public var intervals: Int
    public var exceptions: Int
    public var slices: Int
    /// Days of record it learnt from, ending at `trainedAt` (milliseconds since 1970 UTC).
    public var historyDays: Int
    public var trainedAt: Int64
    /// At six moments over the last fifth of the record, trained on what was known then,
    /// on the work then open inside its SLA.
    public var heldOut: Measured
    public var features: Int

    public init(intervals: Int, exceptions: Int, slices: Int, historyDays: Int, trainedAt: Int64, heldOut: BinaryReport, features: Int) {
        self.intervals = intervals; self.exceptions = exceptions; self.slices = slices; self.historyDays = historyDays
        self.trainedAt = trainedAt; self.heldOut = Measured(heldOut); self.features = features
    }
}

/// A breach-risk model as stored: its card and its weights, as JSON.
public struct BreachRiskArtefact: Codable, Sendable {
    public static let format = "clearway-breach-risk/1"
    public var format: String
    public var card: BreachRiskCard
    public var categories: [String]
    public var weights: [Float]
    public var bias: [Float]

    public init(model: BreachHazardModel, card: BreachRiskCard) {
        format = Self.format; self.card = card; categories = model.categories
        weights = model.regression.weights; bias = model.regression.bias
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a stored model, checking that its shape is one this version computes with.
    public static func decode(_ data: Data) throws -> (BreachHazardModel, BreachRiskCard) {
        let a: BreachRiskArtefact
        do { a = try JSONDecoder().decode(BreachRiskArtefact.self, from: data) } catch {
            throw ModelArtefactError.damaged("the stored breach-risk model is not readable: \(error)")
        }
        guard a.format == format else { throw ModelArtefactError.unsupportedFormat(a.format) }
        guard a.card.intervals == BreachHazardModel.intervals else {
            throw ModelArtefactError.damaged("it cuts time into \(a.card.intervals) slices; this version computes with \(BreachHazardModel.intervals)")
        }
        let features = BreachHazardModel.numbers + a.categories.count
        guard a.weights.count == 2 * features, a.bias.count == 2, (a.weights + a.bias).allSatisfy(\.isFinite) else {
            throw ModelArtefactError.damaged("its weights do not fit its \(features) features")
        }
        let index = Dictionary(a.categories.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        guard index.count == a.categories.count else { throw ModelArtefactError.damaged("its categories repeat") }
        let model = BreachHazardModel(categories: a.categories, index: index,
                                      regression: SoftmaxRegression(classes: 2, features: features, weights: a.weights, bias: a.bias))
        return (model, a.card)
    }
}
