import ClearwayCore

/// How well predictions match the truth: accuracy, macro-F1 (the mean of per-class F1 over
/// every label in the truth or the predictions, as scikit-learn's `f1_score(average="macro")`),
/// per-class precision and recall, the confusion matrix, calibration of the confidence,
/// and accuracy per group (customer segment, site) to expose a model that serves some
/// customers worse than others. A true label the model never saw can only be an error.
public struct ClassificationReport: Sendable, Hashable, Codable {
    public var n: Int
    public var accuracy: Double
    public var macroF1: Double
    public var classes: [ClassMetrics]
    /// Labels of the confusion matrix's rows (truth) and columns (prediction).
    public var labels: [String]
    public var confusion: [[Int]]
    public var calibration: [CalibrationBin]
    /// Mean gap between confidence and accuracy, weighted by how many predictions each bin holds.
    public var expectedCalibrationError: Double
    /// True labels the model cannot predict.
    public var unseenLabels: [String]
    /// Per dimension (e.g. `segment`), accuracy for each value.
    public var groups: [String: [GroupAccuracy]]

    /// The most frequent mistakes, as (true label, predicted label, count), most frequent first.
    public func topConfusions(_ limit: Int) -> [(truth: String, predicted: String, count: Int)] {
        let all = labels.indices.flatMap { r in
            labels.indices.compactMap { c in r != c && confusion[r][c] > 0 ? (truth: labels[r], predicted: labels[c], count: confusion[r][c]) : nil }
        }
        return Array(all.sorted { ($0.count, $1.truth) > ($1.count, $0.truth) }.prefix(limit))
    }

    public struct ClassMetrics: Sendable, Hashable, Codable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public struct CalibrationBin: Sendable, Hashable, Codable {
        public var from: Double
        public var to: Double
        public var count: Int
        public var meanConfidence: Double
        public var accuracy: Double

        /// Confidences in equal-width bins beside how often they were right, and the
        /// expected calibration error (the bins' gaps weighted by their counts).
        public static func table(confidence: [Double], hits: [Bool], bins: Int) -> ([CalibrationBin], Double) {
            var table: [CalibrationBin] = []
            for b in 0..<bins {
                let from = Double(b) / Double(bins), to = Double(b + 1) / Double(bins)
                var count = 0, right = 0, sum = 0.0
                for (c, hit) in zip(confidence, hits) where c >= from && (c < to || (b == bins - 1 && c <= to)) {
                    count += 1; sum += c
                    if hit { right += 1 }
                }
                if count > 0 { table.append(CalibrationBin(from: from, to: to, count: count, meanConfidence: sum / Double(count), accuracy: Double(right) / Double(count))) }
            }
            let gap = table.reduce(0) { $0 + Double($1.count) * abs($1.meanConfidence - $1.accuracy) }
            return (table, confidence.isEmpty ? 0 : gap / Double(confidence.count))
        }
    }

    public struct GroupAccuracy: Sendable, Hashable, Codable {
        public var value: String
        public var n: Int
        public var accuracy: Double
    }

    /// `groups` maps a dimension to each example's value in it (same order as `truth`).
    public init(truth: [String], predicted: [String], confidence: [Double], modelLabels: [String],
                groups: [String: [String]] = [:], bins: Int = 10) {
        precondition(truth.count == predicted.count && truth.count == confidence.count, "one prediction per example")
        let n = truth.count
        let labels = Array(Set(truth).union(predicted)).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        var correct = 0
        for (t, p) in zip(truth, predicted) {
            if let r = index[t], let c = index[p] { confusion[r][c] += 1 }
            if t == p { correct += 1 }
        }
        let accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        let classes = labels.indices.map { i in
            let tp = confusion[i][i]
            let predictedCount = confusion.reduce(0) { $0 + $1[i] }, support = confusion[i].reduce(0, +)
            let precision = predictedCount == 0 ? 0 : Double(tp) / Double(predictedCount)
            let recall = support == 0 ? 0 : Double(tp) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassMetrics(label: labels[i], precision: precision, recall: recall, f1: f1, support: support)
        }
        let macroF1 = classes.isEmpty ? 0 : classes.reduce(0) { $0 + $1.f1 } / Double(classes.count)
        let known = Set(modelLabels)
        let unseenLabels = Array(Set(truth).subtracting(known)).sorted()
        let (calibration, expectedCalibrationError) = CalibrationBin.table(confidence: confidence,
                                                                            hits: confidence.indices.map { truth[$0] == predicted[$0] }, bins: bins)
        var grouped: [String: [GroupAccuracy]] = [:]
        for (dimension, values) in groups where values.count == n {
            var tally: [String: (n: Int, right: Int)] = [:]
            for i in 0..<n { tally[values[i], default: (0, 0)].n += 1; if truth[i] == predicted[i] { tally[values[i], default: (0, 0)].right += 1 } }
            grouped[dimension] = tally.map { GroupAccuracy(value: $0.key, n: $0.value.n, accuracy: Double($0.value.right) / Double($0.value.n)) }
                .sorted { $0.value < $1.value }
        }
        self.n = n; self.labels = labels; self.confusion = confusion; self.accuracy = accuracy; self.classes = classes
        self.macroF1 = macroF1; self.unseenLabels = unseenLabels; self.calibration = calibration
        self.expectedCalibrationError = expectedCalibrationError; self.groups = grouped
    }
}

/// A seeded, stratified split: each label's examples are shuffled with the seed and the
/// given share of them (rounded) is held out, so every label is in both parts in
/// proportion. Indices come back in their original order.
public enum StratifiedSplit {
    public static func split(labels: [String], testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var byLabel: [String: [Int]] = [:]
        for (i, label) in labels.enumerated() { byLabel[label, default: []].append(i) }
        var rng = SeededRandom(seed: seed)
        var train: [Int] = [], test: [Int] = []
        for label in byLabel.keys.sorted() {
            var members = byLabel[label] ?? []
            for i in stride(from: members.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                members.swapAt(i, j)
            }
            let held = Int((Double(members.count) * testFraction).rounded())
            test += members.prefix(held)
            train += members.dropFirst(held)
        }
        return (train.sorted(), test.sorted())
    }
}
