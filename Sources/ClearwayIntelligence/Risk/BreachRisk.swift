import ClearwayCore
import Foundation

/// What the breach-risk model knows about an open exception at one moment.
public struct RiskSnapshot: Sendable, Hashable {
    public var type: String
    public var queue: String
    public var tier: String
    public var site: String
    /// Share of the time from opening to the SLA due moment already gone (0 at opening, 1 at due).
    public var elapsed: Double
    /// Open exceptions in the same queue at that moment.
    public var queueLoad: Int
    /// In currency units.
    public var moneyAtRisk: Double
    /// The 25th of the month or later, when month-end work crowds the queues.
    public var monthEnd: Bool
    /// When the exception opened and falls due (milliseconds), when known: the hazard model
    /// places each slice of its time in the week.
    public var openedAt: Int64?
    public var dueAt: Int64?

    public init(type: String, queue: String, tier: String, site: String, elapsed: Double, queueLoad: Int, moneyAtRisk: Double, monthEnd: Bool,
                openedAt: Int64? = nil, dueAt: Int64? = nil) {
        self.type = type; self.queue = queue; self.tier = tier; self.site = site; self.elapsed = elapsed
        self.queueLoad = queueLoad; self.moneyAtRisk = moneyAtRisk; self.monthEnd = monthEnd; self.openedAt = openedAt; self.dueAt = dueAt
    }

    /// An exception seen at `t` (milliseconds, like its opening and due moments): the
    /// elapsed share of its time to due, and whether `t` falls at month-end.
    public static func at(_ t: Int64, type: String, queue: String, tier: String, site: String, openedAt: Int64, dueAt: Int64,
                          queueLoad: Int, moneyAtRisk: Double) -> RiskSnapshot {
        RiskSnapshot(type: type, queue: queue, tier: tier, site: site, elapsed: Double(t - openedAt) / Double(max(dueAt - openedAt, 1)),
                     queueLoad: queueLoad, moneyAtRisk: moneyAtRisk, monthEnd: LocalDate(dayNumber: Int(t / 86_400_000)).day >= 25,
                     openedAt: openedAt, dueAt: dueAt)
    }

    /// The categorical values, as `name=value`.
    var categories: [String] { ["type=\(type)", "queue=\(queue)", "tier=\(tier)", "site=\(site)"] }

    /// The numeric features, each scaled to about 0…1: elapsed share (capped at 1.5),
    /// log queue load over log 1000, log money over log 1,000,000, month-end.
    public var scaledNumbers: [Double] {
        [min(max(elapsed, 0), 1.5), log1p(Double(max(queueLoad, 0))) / log(1_000), log1p(max(moneyAtRisk, 0)) / log(1_000_000), monthEnd ? 1 : 0]
    }
    static let numberNames = ["elapsed", "queueLoad", "moneyAtRisk", "monthEnd"]
}

/// The probability that an open exception breaches its SLA: logistic regression over its
/// type, queue, tier and site (one-hot) and its elapsed share, queue load, money at risk
/// and time of month, trained on Clearway's own history.
public struct BreachRiskModel: Sendable {
    public let categories: [String]
    let index: [String: Int32]
    let regression: SoftmaxRegression

    public var features: Int { categories.count + RiskSnapshot.numberNames.count }

    func vector(_ s: RiskSnapshot) -> SparseVector {
        var v = SparseVector()
        for (i, x) in s.scaledNumbers.enumerated() where x != 0 { v.indices.append(Int32(i)); v.values.append(Float(x)) }
        let offset = Int32(RiskSnapshot.numberNames.count)
        for c in s.categories.compactMap({ index[$0] }).sorted() { v.indices.append(offset + c); v.values.append(1) }
        return v
    }

    public func probability(_ s: RiskSnapshot) -> Double {
        var p: [Float] = []
        regression.probabilities(vector(s), into: &p)
        return Double(p[1])
    }

    /// Learns from snapshots labelled with whether the exception went on to breach.
    /// Deterministic: the same examples in the same order give the same model.
    public static func train(_ examples: [(RiskSnapshot, Bool)], c: Double = 1) -> BreachRiskModel {
        let categories = Array(Set(examples.flatMap { $0.0.categories })).sorted()
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, Int32($0)) })
        let shell = BreachRiskModel(categories: categories, index: index,
                                    regression: SoftmaxRegression(classes: 2, features: 0, weights: [], bias: [0, 0]))
        let rows = examples.map { shell.vector($0.0) }
        let fit = SoftmaxRegression.train(rows: rows, labels: examples.map { $0.1 ? 1 : 0 }, classes: 2, features: shell.features,
                                          options: .init(c: c, optimizer: LBFGS(maxIterations: 300)))
        return BreachRiskModel(categories: categories, index: index, regression: fit.model)
    }
}

/// How well probabilities rank and match what happened.
public struct BinaryReport: Sendable, Hashable, Codable {
    public var n: Int
    public var positives: Int
    /// Area under the ROC curve: the chance a breaching exception scores above one that
    /// does not (ties count half).
    public var auc: Double
    /// Mean squared gap between probability and outcome.
    public var brier: Double
    public var expectedCalibrationError: Double
    public var calibration: [ClassificationReport.CalibrationBin]

    public init(scores: [Double], outcomes: [Bool], bins: Int = 10) {
        precondition(scores.count == outcomes.count, "one score per outcome")
        n = scores.count
        positives = outcomes.filter { $0 }.count
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Mann–Whitney U with average ranks for ties.
        var rankSum = 0.0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j where outcomes[order[k]] { rankSum += rank }
            i = j + 1
        }
        let negatives = n - positives
        auc = positives == 0 || negatives == 0 ? 0.5 : (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
        brier = n == 0 ? 0 : zip(scores, outcomes).reduce(0) { $0 + pow($1.0 - ($1.1 ? 1 : 0), 2) } / Double(n)
        (calibration, expectedCalibrationError) = ClassificationReport.CalibrationBin.table(confidence: scores, hits: outcomes, bins: bins)
    }
}
