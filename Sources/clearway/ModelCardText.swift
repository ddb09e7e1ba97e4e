import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// A model card as text for the terminal.
enum ModelCardText {
    static func render(_ card: ModelCard) -> String {
        let m = card.metadata
        var out = ["# \(card.stored.kind)@\(card.stored.version)\(card.isServing ? " (serving)" : "")", "",
                   "Created \(card.stored.createdAt.iso8601) by \(card.stored.createdBy); trained \(m.trainedAt)",
                   "Training data: \(m.summary.examples) examples, SHA-256 \(m.trainingDataHash)",
                   "Model: TF-IDF word \(m.training.analyzer.wordNGrams) and character \(m.training.analyzer.charNGrams) n-grams (min df \(m.training.minDocumentFrequency)), logistic regression C=\(m.training.c); \(m.summary.features) features, \(m.summary.iterations) iterations\(m.summary.converged ? "" : " (not converged)")",
                   sentence(m)]
        for change in card.serving {
            out.append("\(change.change == .promote ? "Promoted" : "Returned to by rollback") \(change.changedAt.iso8601) by \(change.changedBy)\(change.reason.map { ": \($0)" } ?? "")")
        }
        guard let e = m.evaluation else {
            out.append("\nNo held-out evaluation (train with --holdout to measure; or run `clearway model eval`).")
            return out.joined(separator: "\n")
        }
        out.append(String(format: "\nHeld out %d: accuracy %.4f, macro-F1 %.4f, expected calibration error %.4f", e.n, e.accuracy, e.macroF1, e.expectedCalibrationError))
        out.append("\n| label | precision | recall | F1 | support |\n|---|---|---|---|---|")
        for c in e.classes { out.append(String(format: "| %@ | %.3f | %.3f | %.3f | %d |", c.label, c.precision, c.recall, c.f1, c.support)) }
        let confusions = e.topConfusions(10)
        out.append("\nMost frequent confusions (true → predicted): " + (confusions.isEmpty ? "none" : confusions.map { "\($0.truth) → \($0.predicted) ×\($0.count)" }.joined(separator: ", ")))
        out.append("\nCalibration (confidence bin: predictions, mean confidence, accuracy):")
        for b in e.calibration { out.append(String(format: "  %.1f–%.1f: %d, %.3f, %.3f", b.from, b.to, b.count, b.meanConfidence, b.accuracy)) }
        for (dimension, values) in e.groups.sorted(by: { $0.key < $1.key }) {
            out.append("\nAccuracy by \(dimension): " + values.map { String(format: "%@ %.3f (n=%d)", $0.value, $0.accuracy, $0.n) }.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }

    static func sentence(_ m: ModelMetadata) -> String {
        guard let s = m.sentence else { return "Sentence vectors: none (reads with TF-IDF alone)" }
        let words = m.wordsOnlyEvaluation.map { String(format: "; its TF-IDF-only part, used where the encoder is not installed: held-out macro-F1 %.4f", $0.macroF1) } ?? ""
        return "Sentence vectors: \(s.encoder), \(s.dimensions) dimensions, weights SHA-256 \(s.weightsSHA256), scaled ×\(String(format: "%g", s.scale))\(words)"
    }
}
