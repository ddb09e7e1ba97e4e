import Foundation

/// The quality a message classifier must show before it is put in service automatically
/// (the demo, a scheduled retraining): a minimum held-out macro-F1 and a minimum number of
/// training examples for every label. A person with the right to manage models may still
/// promote a model below it by hand, with a reason, audited.
public struct ModelGate: Sendable, Hashable {
    public var minMacroF1: Double
    public var minExamplesPerLabel: Int

    public init(minMacroF1: Double = 0.8, minExamplesPerLabel: Int = 20) {
        self.minMacroF1 = minMacroF1; self.minExamplesPerLabel = minExamplesPerLabel
    }

    /// Why a model falls short, in sentences; empty when it passes. `macroF1` is nil when the
    /// model was not measured on held-out data, `labelCounts` when its file does not record
    /// its training examples per label: both fall short, as nothing shows the quality.
    public func problems(macroF1: Double?, labelCounts: [String: Int]?) -> [String] {
        var problems: [String] = []
        if let f1 = macroF1 {
            if f1 < minMacroF1 {
                problems.append("held-out macro-F1 \(Self.text(f1)) is below the policy's minimum of \(Self.text(minMacroF1))")
            }
        } else {
            problems.append("it was not measured on held-out data (train with a hold-out share)")
        }
        if let counts = labelCounts {
            let thin = counts.filter { $0.value < minExamplesPerLabel }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            if !thin.isEmpty {
                let named = thin.prefix(5).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
                problems.append("\(thin.count) label\(thin.count == 1 ? " has" : "s have") fewer than \(minExamplesPerLabel) training examples: "
                                + named + (thin.count > 5 ? ", …" : ""))
            }
        } else {
            problems.append("its file does not record how many training examples each label had")
        }
        return problems
    }

    static func text(_ x: Double) -> String { String(format: "%.3f", x) }
}

/// What a breach-risk version must show, measured as it is used (on work open inside its
/// SLA at moments the record was cut at), to be put in service automatically: how well it
/// ranks (AUC), how far its probabilities are from what happened (expected calibration
/// error), and how much open work the measurement saw.
public struct RiskGate: Sendable, Hashable {
    public var minAUC: Double
    public var maxCalibrationError: Double
    public var minMeasured: Int

    public init(minAUC: Double = 0.7, maxCalibrationError: Double = 0.1, minMeasured: Int = 30) {
        self.minAUC = minAUC; self.maxCalibrationError = maxCalibrationError; self.minMeasured = minMeasured
    }

    /// Why a version falls short, in sentences; empty when it passes.
    public func problems(auc: Double, calibrationError: Double, measured: Int) -> [String] {
        var problems: [String] = []
        if measured < minMeasured {
            problems.append("it was measured on \(measured) open exceptions, fewer than the policy's \(minMeasured)")
        }
        if auc < minAUC { problems.append("held-out AUC \(ModelGate.text(auc)) is below the policy's minimum of \(ModelGate.text(minAUC))") }
        if calibrationError > maxCalibrationError {
            problems.append("held-out calibration error \(ModelGate.text(calibrationError)) is above the policy's maximum of \(ModelGate.text(maxCalibrationError))")
        }
        return problems
    }
}
