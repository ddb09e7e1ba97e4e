import Foundation

/// The shape of a set of texts and of what a model answered for them: shares of texts by
/// length in words, and of predictions by label. A model keeps its training set's profile;
/// comparing the profile of recent messages with it (population stability) shows drift.
public struct TextProfile: Sendable, Hashable, Codable {
    /// Upper word counts of the length buckets; the last bucket is open.
    public static let lengthBounds = [3, 6, 10, 15, 25]

    public var count: Int
    public var lengthShares: [Double]
    public var labelShares: [String: Double]
    /// Shares of texts by nearness to the model's label centroids in sentence space
    /// (`nearnessBounds`); absent for a model without sentence vectors.
    public var nearnessShares: [Double]?
    /// How many texts the nearness shares are of.
    public var nearnessCount: Int?
    /// Upper cosine of the nearness buckets; the last bucket is open.
    public static let nearnessBounds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]

    public init(texts: [String], predictions: [String], nearness: [Double]? = nil) {
        count = texts.count
        var lengths = [Double](repeating: 0, count: Self.lengthBounds.count + 1)
        for text in texts { lengths[Self.bucket(words: text.split(whereSeparator: \.isWhitespace).count)] += 1 }
        lengthShares = lengths.map { texts.isEmpty ? 0 : $0 / Double(texts.count) }
        var labels: [String: Double] = [:]
        for p in predictions { labels[p, default: 0] += 1 }
        labelShares = labels.mapValues { $0 / Double(max(predictions.count, 1)) }
        nearnessShares = nearness.flatMap { values in
            guard !values.isEmpty else { return nil }
            var shares = [Double](repeating: 0, count: Self.nearnessBounds.count + 1)
            for v in values { shares[Self.nearnessBounds.firstIndex { v <= $0 } ?? Self.nearnessBounds.count] += 1 }
            return shares.map { $0 / Double(values.count) }
        }
        nearnessCount = nearnessShares == nil ? nil : nearness?.count
    }

    static func bucket(words: Int) -> Int { lengthBounds.firstIndex { words <= $0 } ?? lengthBounds.count }

    /// Population stability index Σ (a − e)·ln(a / e) over buckets, with empty buckets
    /// counted as 0.1% so one new bucket does not read as infinite. Under 0.1 is usually
    /// read as stable, 0.1–0.25 as a moderate shift, above 0.25 as a major one.
    public static func stability(expected: [Double], actual: [Double]) -> Double {
        zip(expected, actual).reduce(0) { sum, pair in
            let e = max(pair.0, 0.001), a = max(pair.1, 0.001)
            return sum + (a - e) * log(a / e)
        }
    }

    public struct Drift: Sendable, Hashable, Codable {
        public var inputStability: Double
        public var predictionStability: Double
        public var recent: Int
        /// Population stability of nearness in sentence space (nil when either side has none):
        /// recent messages that mean something the model never learned from move it.
        public var meaningStability: Double?
        /// Recent messages with a nearness (read with sentence vectors).
        public var meaningRecent: Int?
    }

    /// How far `recent` has moved from this (baseline) profile.
    public func drift(of recent: TextProfile) -> Drift {
        let labels = Array(Set(labelShares.keys).union(recent.labelShares.keys)).sorted()
        return Drift(inputStability: Self.stability(expected: lengthShares, actual: recent.lengthShares),
                     predictionStability: Self.stability(expected: labels.map { labelShares[$0] ?? 0 }, actual: labels.map { recent.labelShares[$0] ?? 0 }),
                     recent: recent.count,
                     meaningStability: nearnessShares.flatMap { base in recent.nearnessShares.map { Self.stability(expected: base, actual: $0) } },
                     meaningRecent: recent.nearnessShares == nil ? nil : recent.nearnessCount)
    }
}
