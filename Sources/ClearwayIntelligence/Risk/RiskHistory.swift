import ClearwayCore

/// Turns Clearway's record of exceptions into breach-risk examples: each exception whose
/// outcome is known (closed, or still open past its due moment) is seen at opening and at a
/// quarter, half and three quarters of the way to its due moment while it was still open,
/// labelled with whether it went on to breach. Queue load at each moment is counted from
/// the same record.
public struct RiskHistory: Sendable {
    public struct Example: Sendable {
        public var snapshot: RiskSnapshot
        public var breached: Bool
        public var openedAt: Int64
    }

    /// Per queue, opening and closing times in order, to count what was open at a moment.
    let opens: [String: [Int64]]
    let closes: [String: [Int64]]

    public init(_ facts: [ExceptionFact]) {
        var opens: [String: [Int64]] = [:], closes: [String: [Int64]] = [:]
        for f in facts {
            opens[f.queue, default: []].append(f.openedAt)
            if let c = f.closedAt { closes[f.queue, default: []].append(c) }
        }
        self.opens = opens.mapValues { $0.sorted() }
        self.closes = closes.mapValues { $0.sorted() }
    }

    /// Exceptions of `queue` open at `t` (opened at or before, not yet closed).
    public func load(queue: String, at t: Int64) -> Int {
        Self.countAtOrBefore(opens[queue] ?? [], t) - Self.countAtOrBefore(closes[queue] ?? [], t)
    }

    static func countAtOrBefore(_ sorted: [Int64], _ t: Int64) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public static let moments = [0.0, 0.25, 0.5, 0.75]

    public func examples(_ facts: [ExceptionFact], now: Int64) -> [Example] {
        var out: [Example] = []
        for f in facts where f.dueAt > f.openedAt && (f.closedAt != nil || now > f.dueAt) {
            let breached = (f.closedAt ?? now) > f.dueAt
            for m in Self.moments {
                let t = f.openedAt + Int64(m * Double(f.dueAt - f.openedAt))
                if let closed = f.closedAt, closed <= t { break }
                out.append(Example(snapshot: snapshot(f, at: t), breached: breached, openedAt: f.openedAt))
            }
        }
        return out
    }

    /// One slice of an exception's time to due that the record saw through: the exception
    /// as it stood at the slice's start, and whether it closed within the slice.
    public struct Slice: Sendable {
        public var snapshot: RiskSnapshot
        public var interval: Int
        public var closed: Bool
        public var openedAt: Int64
        public init(snapshot: RiskSnapshot, interval: Int, closed: Bool, openedAt: Int64) {
            self.snapshot = snapshot; self.interval = interval; self.closed = closed; self.openedAt = openedAt
        }
    }

    /// The hazard model's examples from a record that ends at `now`: for each exception,
    /// every slice from opening that it entered open and that ended by `now` (the slice it
    /// closed in is labelled closed), so work still open contributes what is known of it.
    public func slices(_ facts: [ExceptionFact], now: Int64) -> [Slice] {
        let k = BreachHazardModel.intervals
        var out: [Slice] = []
        for f in facts where f.dueAt > f.openedAt && f.openedAt < now {
            let closed = f.closedAt.flatMap { $0 <= now ? $0 : nil }
            let span = Double(f.dueAt - f.openedAt)
            for i in 0..<k {
                let start = f.openedAt + Int64(span * Double(i) / Double(k)), end = f.openedAt + Int64(span * Double(i + 1) / Double(k))
                if start >= now { break }
                if let closed, closed <= start { break }
                let closedIn = closed.map { $0 <= end } ?? false
                if !closedIn && end > now { break }
                out.append(Slice(snapshot: snapshot(f, at: start), interval: i, closed: closedIn, openedAt: f.openedAt))
                if closedIn { break }
            }
        }
        return out
    }

    /// The snapshot of an exception at moment `t`.
    public func snapshot(_ f: ExceptionFact, at t: Int64) -> RiskSnapshot {
        RiskSnapshot.at(t, type: f.type, queue: f.queue, tier: f.tier, site: f.site, openedAt: f.openedAt, dueAt: f.dueAt,
                        queueLoad: load(queue: f.queue, at: t), moneyAtRisk: Double(f.moneyAtRisk) / 10_000)
    }
}
