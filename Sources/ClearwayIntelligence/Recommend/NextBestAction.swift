/// How one exception was resolved, as the recommender learns from it.
public struct ResolvedExample: Sendable, Hashable {
    public var type: String
    public var customerId: String
    public var productFamily: String?
    public var site: String
    /// `action:KIND` for an action applied in a source system, `resolution:CODE` otherwise.
    public var step: String
    public var hours: Double
    /// The size of the gap it was opened for, in currency units (price variance, shortage or
    /// credit overshoot as money at risk); nil when not known.
    public var gap: Double?

    public init(type: String, customerId: String, productFamily: String?, site: String, step: String, hours: Double, gap: Double? = nil) {
        self.type = type; self.customerId = customerId; self.productFamily = productFamily; self.site = site; self.step = step; self.hours = hours
        self.gap = gap
    }
}

/// A step recommended for an exception, with the history behind it.
public struct Recommendation: Sendable {
    public var step: String
    /// Similar exceptions (same type) resolved, and how many of them by this step.
    public var similar: Int
    public var resolvedBy: Int
    /// The same two counts among those whose gap was within three times this one's; nil
    /// when the exception's gap is not known.
    public var nearGap: (similar: Int, resolvedBy: Int)?
    public var medianHours: Double
    public var score: Double
    /// People's verdicts on this step for this type so far.
    public var accepted: Int
    public var rejected: Int

    public var evidence: String {
        let near = nearGap.map { "resolved \($0.resolvedBy) of \($0.similar) with a gap of like size, \(resolvedBy) of \(similar) of the type," }
        return (near ?? "resolved \(resolvedBy) of \(similar) similar cases") + " in median \(Self.duration(medianHours))"
            + (accepted + rejected > 0 ? "; accepted \(accepted) of \(accepted + rejected) times it was offered" : "")
    }

    static func duration(_ hours: Double) -> String {
        hours < 1 ? "\(max(1, Int((hours * 60).rounded()))) min" : hours < 48 ? "\(Int(hours.rounded())) h" : "\(Int((hours / 24).rounded())) days"
    }
}

/// Ranks the steps that resolved similar exceptions fastest. Similar means the same type;
/// an example counts more when it was the same customer (×3), product family (+1) or
/// site (+1), and the whole is scaled by how close its gap was to this one's
/// (`gapCloseness`: 1 when alike, ½ at three times the size, about 0.1 at twenty times),
/// so a small price variance learns from small ones and a large one from large. A step's score is its weighted share of the similar resolutions, discounted
/// by its median time to resolve (halved at a day) and by people's verdicts on it
/// ((accepted + 1) / (accepted + rejected + 2), doubled, so an untried step scores 1×).
/// Steps seen fewer than `minimumCases` times are not offered.
public enum NextBestAction {
    public struct Target: Sendable {
        public var type: String, customerId: String, productFamily: String?, site: String
        /// The gap in currency units, as `ResolvedExample.gap`.
        public var gap: Double?
        public init(type: String, customerId: String, productFamily: String?, site: String, gap: Double? = nil) {
            self.type = type; self.customerId = customerId; self.productFamily = productFamily; self.site = site; self.gap = gap
        }
    }

    /// How alike two gaps are: 2 / (1 + r), where r is the larger over the smaller, each
    /// plus one currency unit (so zero gaps compare sensibly); 1 when either is unknown.
    public static func gapCloseness(_ a: Double?, _ b: Double?) -> Double {
        guard let a, let b, a.isFinite, b.isFinite else { return 1 }
        let x = max(a, 0) + 1, y = max(b, 0) + 1
        return 2 / (1 + max(x, y) / min(x, y))
    }

    /// `weighGap: false` ranks as if no gap were known (the benchmark's comparison).
    public static func rank(_ target: Target, history: [ResolvedExample], feedback: [String: (accepted: Int, rejected: Int)] = [:],
                            limit: Int = 3, minimumCases: Int = 3, weighGap: Bool = true) -> [Recommendation] {
        let similar = history.filter { $0.type == target.type }
        guard !similar.isEmpty else { return [] }
        func weight(_ e: ResolvedExample) -> Double {
            let alike: Double = 1 + (e.customerId == target.customerId ? 2 : 0) + (e.productFamily != nil && e.productFamily == target.productFamily ? 1 : 0)
                + (e.site == target.site ? 1 : 0)
            return weighGap ? alike * gapCloseness(e.gap, target.gap) : alike
        }
        func near(_ e: ResolvedExample) -> Bool { gapCloseness(e.gap, target.gap) >= 0.5 }
        let nearSimilar = weighGap && target.gap != nil ? similar.filter(near).count : nil
        let total = similar.reduce(0) { $0 + weight($1) }
        let bySteps = Dictionary(grouping: similar, by: \.step)
        let ranked = bySteps.compactMap { step, examples -> Recommendation? in
            guard examples.count >= minimumCases else { return nil }
            let hours = examples.map(\.hours).sorted()
            let median = hours.count % 2 == 1 ? hours[hours.count / 2] : (hours[hours.count / 2 - 1] + hours[hours.count / 2]) / 2
            let share = examples.reduce(0) { $0 + weight($1) } / total
            let verdicts = feedback[step] ?? (0, 0)
            let trust = 2 * Double(verdicts.accepted + 1) / Double(verdicts.accepted + verdicts.rejected + 2)
            return Recommendation(step: step, similar: similar.count, resolvedBy: examples.count,
                                  nearGap: nearSimilar.map { ($0, examples.filter(near).count) }, medianHours: median,
                                  score: share / (1 + median / 24) * trust, accepted: verdicts.accepted, rejected: verdicts.rejected)
        }
        return Array(ranked.sorted { ($0.score, $0.step) > ($1.score, $1.step) }.prefix(limit))
    }
}
