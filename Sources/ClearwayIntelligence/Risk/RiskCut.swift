import ClearwayCore

/// A record cut at a moment, as a breach-risk model trained then would have seen it, and
/// the exceptions it would have been asked about: those open at the cut and still inside
/// their SLA, whose outcome the whole record knows.
public struct RiskCut: Sendable {
    public var at: Int64
    /// Exceptions opened by the cut; closings after it not yet known.
    public var known: [ExceptionFact]
    /// Open at the cut, inside their SLA, with whether they went on to breach.
    public var asked: [(fact: ExceptionFact, breached: Bool)]

    /// `end` is when the whole record ends: an exception still open then and not yet due
    /// has no known outcome and is not asked about.
    public init(_ facts: [ExceptionFact], at t: Int64, end: Int64) {
        at = t
        known = facts.filter { $0.openedAt <= t }.map { f in
            var f = f
            if let closed = f.closedAt, closed > t { f.closedAt = nil }
            return f
        }
        asked = facts.compactMap { f in
            guard f.openedAt <= t, f.dueAt > t, (f.closedAt ?? .max) > t, f.closedAt != nil || f.dueAt < end else { return nil }
            return (f, (f.closedAt ?? end) > f.dueAt)
        }
    }

    /// `count` moments spread evenly over the last `share` of the record's span (from the
    /// first opening to `end`), the last a little before `end` so outcomes can be known.
    public static func moments(_ facts: [ExceptionFact], end: Int64, share: Double, count: Int) -> [Int64] {
        guard let first = facts.map(\.openedAt).min(), end > first, count > 0 else { return [] }
        let span = Double(end - first), from = 1 - share
        return (0..<count).map { i in first + Int64(span * (from + share * Double(i) / Double(count))) }
    }
}

/// A cut with what a model would learn from and be asked about there.
public struct RiskCutView: Sendable {
    public var cut: RiskCut
    public var history: RiskHistory
    /// The hazard model's slices known at the cut.
    public var slices: [RiskHistory.Slice]
    /// The asked exceptions as they stood at the cut, in `cut.asked` order.
    public var asked: [RiskSnapshot]

    /// The cuts at `count` moments over the last `share` of the record (up to its latest
    /// opening or closing, for a record that has gone quiet), keeping those with open work
    /// to ask about and slices both closed and not to learn from.
    public static func series(_ facts: [ExceptionFact], end: Int64, share: Double, count: Int) -> [RiskCutView] {
        let latest = min(end, facts.map { max($0.openedAt, $0.closedAt ?? $0.openedAt) }.max() ?? end)
        return RiskCut.moments(facts, end: latest, share: share, count: count).compactMap { t in
            let cut = RiskCut(facts, at: t, end: end)
            let history = RiskHistory(cut.known)
            let slices = history.slices(cut.known, now: t)
            guard !cut.asked.isEmpty, slices.contains(where: \.closed), slices.contains(where: { !$0.closed }) else { return nil }
            return RiskCutView(cut: cut, history: history, slices: slices, asked: cut.asked.map { history.snapshot($0.fact, at: t) })
        }
    }
}

extension BreachHazardModel {
    /// The model measured as it is used: at `count` cuts over the last `share` of the
    /// record, trained on what was known then and scored on the work open inside its SLA,
    /// pooled. Nil when no cut had such work with a known outcome by `end`.
    public static func heldOut(_ facts: [ExceptionFact], end: Int64, share: Double = 0.2, count: Int = 6) -> BinaryReport? {
        var scores: [Double] = [], outcomes: [Bool] = []
        for view in RiskCutView.series(facts, end: end, share: share, count: count) {
            let model = train(view.slices)
            scores += view.asked.map(model.probability)
            outcomes += view.cut.asked.map(\.breached)
        }
        return outcomes.isEmpty ? nil : BinaryReport(scores: scores, outcomes: outcomes)
    }
}
