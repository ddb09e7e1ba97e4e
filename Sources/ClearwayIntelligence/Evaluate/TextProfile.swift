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

    public init(texts: [String], predictions: [String]) {
        count = texts.count
        var lengths = [Double](repeating: 0, count: Self.lengthBounds.count + 1)
        for text in texts { lengths[Self.bucket(words: text.split(whereSeparator: \.isWhitespace).count)] += 1 }
        lengthShares = lengths.map { texts.isEmpty ? 0 : $0 / Double(texts.count) }
        var labels: [String: Double] = [:]
        for p in predictions { labels[p, default: 0] += 1 }
        labelShares = labels.mapValues { $0 / Double(max(predictions.count, 1)) }
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
    }

    /// How far `recent` has moved from this (baseline) profile.
    public func drift(of recent: TextProfile) -> Drift {
        let labels = Array(Set(labelShares.keys).union(recent.labelShares.keys)).sorted()
        return Drift(inputStability: Self.stability(expected: lengthShares, actual: recent.lengthShares),
                     predictionStability: Self.stability(expected: labels.map { labelShares[$0] ?? 0 }, actual: labels.map { recent.labelShares[$0] ?? 0 }),
                     recent: recent.count)
    }
}
