/// Replays resolved history to measure the recommender: each held-back exception (the
/// latest share by closing) is ranked from what had been resolved before it opened, as
/// the console would have ranked it, and counts as a hit when the step that resolved it
/// comes first (top 1) or among the three offered (top 3).
public enum RecommendationReplay {
    public struct Resolution: Sendable {
        public var example: ResolvedExample
        /// Milliseconds since 1970 UTC.
        public var openedAt: Int64
        public var closedAt: Int64
        /// Resolved by a touchless rule rather than by a person.
        public var touchless: Bool
        public init(example: ResolvedExample, openedAt: Int64, closedAt: Int64, touchless: Bool) {
            self.example = example; self.openedAt = openedAt; self.closedAt = closedAt; self.touchless = touchless
        }
    }

    public struct Tally: Sendable, Hashable {
        public var held = 0, offered = 0, top1 = 0, top3 = 0
        public var top1Rate: Double { held == 0 ? 0 : Double(top1) / Double(held) }
        public var top3Rate: Double { held == 0 ? 0 : Double(top3) / Double(held) }

        mutating func add(_ ranked: [String], truth: String) {
            held += 1
            if !ranked.isEmpty { offered += 1 }
            if ranked.first == truth { top1 += 1 }
            if ranked.prefix(3).contains(truth) { top3 += 1 }
        }
    }

    /// How a ranker fared: over all held-back exceptions, over those a person resolved, and
    /// per exception type.
    public struct Result: Sendable {
        public var all = Tally(), byPerson = Tally()
        public var byType: [String: Tally] = [:]
    }

    /// The held-back exceptions: the latest `holdout` share by closing time.
    public static func heldBack(_ history: [Resolution], holdout: Double) -> (earlier: [Resolution], held: [Resolution]) {
        let sorted = history.sorted { ($0.closedAt, $0.example.step) < ($1.closedAt, $1.example.step) }
        let cut = sorted.count - Int((Double(sorted.count) * holdout).rounded())
        return (Array(sorted[..<cut]), Array(sorted[cut...]))
    }

    /// Ranks every held-back exception with `rank`, given what closed before it opened.
    public static func run(_ history: [Resolution], holdout: Double,
                           rank: (NextBestAction.Target, [ResolvedExample]) -> [Recommendation]) -> Result {
        let (earlier, held) = heldBack(history, holdout: holdout)
        let known = earlier + held
        var byType: [String: [(closedAt: Int64, example: ResolvedExample)]] = [:]
        for r in known { byType[r.example.type, default: []].append((r.closedAt, r.example)) }
        var result = Result()
        for r in held {
            let e = r.example
            let before = (byType[e.type] ?? []).prefix { $0.closedAt < r.openedAt }.map(\.example)
            let target = NextBestAction.Target(type: e.type, customerId: e.customerId, productFamily: e.productFamily, site: e.site, gap: e.gap)
            let ranked = rank(target, before).map(\.step)
            result.all.add(ranked, truth: e.step)
            if !r.touchless { result.byPerson.add(ranked, truth: e.step) }
            result.byType[e.type, default: Tally()].add(ranked, truth: e.step)
        }
        return result
    }

    /// The reference ranker: the step most often seen for the type so far, nothing else.
    public static func mostFrequent(_ target: NextBestAction.Target, _ history: [ResolvedExample]) -> [Recommendation] {
        let counts = Dictionary(grouping: history.filter { $0.type == target.type }, by: \.step).mapValues(\.count)
        return counts.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(3).map {
            Recommendation(step: $0.key, similar: 0, resolvedBy: $0.value, nearGap: nil, medianHours: 0, score: Double($0.value), accepted: 0, rejected: 0)
        }
    }
}
