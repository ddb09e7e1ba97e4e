/// How one exception was resolved, as the recommender learns from it.
public struct ResolvedExample: Sendable, Hashable {
    public var type: String
    public var customerId: String
    public var productFamily: String?
    public var site: String
    /// `action:KIND` for an action applied in a source system, `resolution:CODE` otherwise.
    public var step: String
    public var hours: Double

    public init(type: String, customerId: String, productFamily: String?, site: String, step: String, hours: Double) {
        self.type = type; self.customerId = customerId; self.productFamily = productFamily; self.site = site; self.step = step; self.hours = hours
    }
}

/// A step recommended for an exception, with the history behind it.
public struct Recommendation: Sendable, Hashable {
    public var step: String
    /// Similar exceptions (same type) resolved, and how many of them by this step.
    public var similar: Int
    public var resolvedBy: Int
    public var medianHours: Double
    public var score: Double
    /// People's verdicts on this step for this type so far.
    public var accepted: Int
    public var rejected: Int

    public var evidence: String {
        "resolved \(resolvedBy) of \(similar) similar cases in median \(Self.duration(medianHours))"
            + (accepted + rejected > 0 ? "; accepted \(accepted) of \(accepted + rejected) times it was offered" : "")
    }

    static func duration(_ hours: Double) -> String {
        hours < 1 ? "\(max(1, Int((hours * 60).rounded()))) min" : hours < 48 ? "\(Int(hours.rounded())) h" : "\(Int((hours / 24).rounded())) days"
    }
}

/// Ranks the steps that resolved similar exceptions fastest. Similar means the same type;
/// an example counts more when it was the same customer (×3), product family (+1) or
/// site (+1). A step's score is its weighted share of the similar resolutions, discounted
/// by its median time to resolve (halved at a day) and by people's verdicts on it
/// ((accepted + 1) / (accepted + rejected + 2), doubled, so an untried step scores 1×).
/// Steps seen fewer than `minimumCases` times are not offered.
public enum NextBestAction {
    public struct Target: Sendable {
        public var type: String, customerId: String, productFamily: String?, site: String
        public init(type: String, customerId: String, productFamily: String?, site: String) {
            self.type = type; self.customerId = customerId; self.productFamily = productFamily; self.site = site
        }
    }

    public static func rank(_ target: Target, history: [ResolvedExample], feedback: [String: (accepted: Int, rejected: Int)] = [:],
                            limit: Int = 3, minimumCases: Int = 3) -> [Recommendation] {
        let similar = history.filter { $0.type == target.type }
        guard !similar.isEmpty else { return [] }
        func weight(_ e: ResolvedExample) -> Double {
            1 + (e.customerId == target.customerId ? 2 : 0) + (e.productFamily != nil && e.productFamily == target.productFamily ? 1 : 0)
                + (e.site == target.site ? 1 : 0)
        }
        let total = similar.reduce(0) { $0 + weight($1) }
        let bySteps = Dictionary(grouping: similar, by: \.step)
        let ranked = bySteps.compactMap { step, examples -> Recommendation? in
            guard examples.count >= minimumCases else { return nil }
            let hours = examples.map(\.hours).sorted()
            let median = hours.count % 2 == 1 ? hours[hours.count / 2] : (hours[hours.count / 2 - 1] + hours[hours.count / 2]) / 2
            let share = examples.reduce(0) { $0 + weight($1) } / total
            let verdicts = feedback[step] ?? (0, 0)
            let trust = 2 * Double(verdicts.accepted + 1) / Double(verdicts.accepted + verdicts.rejected + 2)
            return Recommendation(step: step, similar: similar.count, resolvedBy: examples.count, medianHours: median,
                                  score: share / (1 + median / 24) * trust, accepted: verdicts.accepted, rejected: verdicts.rejected)
        }
        return Array(ranked.sorted { ($0.score, $0.step) > ($1.score, $1.step) }.prefix(limit))
    }
}
