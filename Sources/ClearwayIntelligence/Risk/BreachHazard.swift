import ClearwayCore
import Foundation

/// The probability that an open exception breaches its SLA, from a discrete-time hazard
/// model: the time from opening to due is cut into `intervals` equal slices, and a
/// logistic regression learns the chance that an exception still open at the start of a
/// slice is closed within it (from the slice and the exception's type, queue, tier, site,
/// queue load, money at risk and time of month). The chance of breaching from a moment is
/// the chance of surviving every slice left, open, to the due moment.
///
/// Work still open is censored, not dropped: each slice an exception was seen through
/// counts (closed in it or not), and only the slice in which the record ends is left out.
/// So a history that ends now teaches the model as much about quick closings as about
/// slow ones, where a model that waits for outcomes learns mostly from the slow.
public struct BreachHazardModel: Sendable {
    public static let intervals = 16
    public let categories: [String]
    let index: [String: Int32]
    let regression: SoftmaxRegression

    /// The three numbers other than elapsed share, then the categories.
    static let numbers = 3
    public var features: Int { Self.numbers + categories.count }

    /// The categories of a slice: the snapshot's, the slice, the slice for its type (each
    /// kind of exception closes at its own pace through its time), and where the slice
    /// falls in the week when the times are known.
    static func categories(_ s: RiskSnapshot, interval: Int) -> [String] {
        s.categories + ["interval=\(interval)", "type=\(s.type)@\(interval)"] + (when(s, interval: interval).map { ["when=\($0)"] } ?? [])
    }

    /// The middle of the slice in the week: weekday or weekend, and the three-hour block
    /// of the day (UTC), as `weekday-13` for 12:00–15:00 on a weekday.
    public static func when(_ s: RiskSnapshot, interval: Int) -> String? {
        guard let opened = s.openedAt, let due = s.dueAt, due > opened else { return nil }
        let mid = opened + Int64(Double(due - opened) * (Double(interval) + 0.5) / Double(intervals))
        let day = mid >= 0 ? mid / 86_400_000 : (mid - 86_399_999) / 86_400_000
        let block = Int((mid - day * 86_400_000) / 10_800_000) * 3
        return "\(LocalDate(dayNumber: Int(day)).weekday >= 5 ? "weekend" : "weekday")-\(block < 10 ? "0" : "")\(block)"
    }

    func vector(_ s: RiskSnapshot, interval: Int) -> SparseVector {
        var v = SparseVector()
        for (i, x) in s.scaledNumbers.dropFirst().enumerated() where x != 0 {
            v.indices.append(Int32(i)); v.values.append(Float(x))
        }
        let offset = Int32(Self.numbers)
        for c in Self.categories(s, interval: interval).compactMap({ index[$0] }).sorted() { v.indices.append(offset + c); v.values.append(1) }
        return v
    }

    /// The chance that an exception like `s`, open at the start of `interval`, closes in it.
    public func hazard(_ s: RiskSnapshot, interval: Int) -> Double {
        var p: [Float] = []
        regression.probabilities(vector(s, interval: interval), into: &p)
        return Double(p[1])
    }

    /// The slices left from `elapsed`, each with the share of it still to come (the
    /// first may be partly gone); empty at or past due.
    public static func remaining(elapsed: Double) -> [(interval: Int, share: Double)] {
        guard elapsed < 1 else { return [] }
        let x = max(elapsed, 0) * Double(intervals)
        let first = min(Int(x), intervals - 1)
        return (first..<intervals).map { ($0, $0 == first ? Double(first + 1) - x : 1) }
    }

    /// The probability of being still open at the due moment: 1 when already past it.
    public func probability(_ s: RiskSnapshot) -> Double {
        Self.remaining(elapsed: s.elapsed).reduce(1.0) { survive, slice in
            survive * pow(1 - hazard(s, interval: slice.interval), slice.share)
        }
    }

    /// Learns from slices, each labelled with whether the exception closed in it.
    /// Deterministic: the same rows in the same order give the same model.
    public static func train(_ rows: [RiskHistory.Slice], c: Double = 1) -> BreachHazardModel {
        let categories = Array(Set(rows.flatMap { Self.categories($0.snapshot, interval: $0.interval) })).sorted()
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, Int32($0)) })
        let shell = BreachHazardModel(categories: categories, index: index,
                                      regression: SoftmaxRegression(classes: 2, features: 0, weights: [], bias: [0, 0]))
        let fit = SoftmaxRegression.train(rows: rows.map { shell.vector($0.snapshot, interval: $0.interval) },
                                          labels: rows.map { $0.closed ? 1 : 0 }, classes: 2, features: shell.features,
                                          options: .init(c: c, optimizer: LBFGS(maxIterations: 300)))
        return BreachHazardModel(categories: categories, index: index, regression: fit.model)
    }
}
