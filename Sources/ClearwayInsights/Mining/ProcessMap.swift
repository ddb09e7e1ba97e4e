/// What process mining reads off a flat log: the directly-follows graph with counts and
/// transition times, the variants, case durations, and where work loops back.
public struct ProcessMap: Sendable {
    public struct Edge: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public var count: Int
        /// Median and mean seconds from `from` to the next event `to`, numpy's median
        /// (the mean of the two middle values for an even count).
        public var medianSeconds: Double
        public var meanSeconds: Double
    }

    public struct Variant: Sendable, Equatable, Codable {
        public var variant: [String]
        public var count: Int
    }

    public var cases: Int
    public var events: Int
    /// Most frequent first; ties by activity names.
    public var edges: [Edge]
    public var startActivities: [String: Int]
    public var endActivities: [String: Int]
    /// Most frequent first; ties by the activities in order.
    public var variants: [Variant]
    /// Seconds from each case's first event to its last, in case order.
    public var caseDurations: [Double]
    /// Per activity, the cases in which it happens more than once (rework).
    public var rework: [String: Int]

    public init(_ log: FlatLog) {
        var counts: [Int64: Int] = [:]
        var gaps: [Int64: [Int64]] = [:]
        var starts: [Int32: Int] = [:], ends: [Int32: Int] = [:]
        var variantCounts: [ArraySlice<Int32>: Int] = [:]
        var repeated: [Int32: Int] = [:]
        var durations: [Double] = []
        durations.reserveCapacity(log.caseCount)
        var seen = [Int](repeating: -1, count: log.activities.count)
        var seenTwice = [Int](repeating: -1, count: log.activities.count)
        for c in 0..<log.caseCount {
            let range = log.events(ofCase: c)
            guard let first = range.first, let last = range.last else { continue }
            starts[log.activity[first], default: 0] += 1
            ends[log.activity[last], default: 0] += 1
            durations.append(Double(log.time[last] - log.time[first]) / 1000)
            variantCounts[log.activity[range], default: 0] += 1
            for i in range {
                let a = Int(log.activity[i])
                if seen[a] == c, seenTwice[a] != c { seenTwice[a] = c; repeated[Int32(a), default: 0] += 1 }
                seen[a] = c
                guard i < last else { continue }
                let key = Int64(log.activity[i]) << 32 | Int64(log.activity[i + 1])
                counts[key, default: 0] += 1
                gaps[key, default: []].append(log.time[i + 1] - log.time[i])
            }
        }
        let name = { (a: Int32) in log.activities[Int(a)] }
        cases = log.caseCount
        events = log.eventCount
        edges = counts.map { key, count in
            let ms = gaps[key]!
            return Edge(from: name(Int32(key >> 32)), to: name(Int32(truncatingIfNeeded: key)), count: count,
                        medianSeconds: Self.median(ms) / 1000, meanSeconds: Double(ms.reduce(0, +)) / Double(ms.count) / 1000)
        }.sorted { ($1.count, $0.from, $0.to) < ($0.count, $1.from, $1.to) }
        startActivities = Dictionary(uniqueKeysWithValues: starts.map { (name($0.key), $0.value) })
        endActivities = Dictionary(uniqueKeysWithValues: ends.map { (name($0.key), $0.value) })
        variants = variantCounts.map { Variant(variant: $0.key.map(name), count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.variant.lexicographicallyPrecedes($1.variant) }
        caseDurations = durations
        rework = Dictionary(uniqueKeysWithValues: repeated.map { (name($0.key), $0.value) })
    }

    /// The transitions where cases wait longest in total (count × median), the usual
    /// definition of a bottleneck in a process map.
    public func bottlenecks(limit: Int = 5) -> [Edge] {
        Array(edges.sorted { Double($0.count) * $0.medianSeconds > Double($1.count) * $1.medianSeconds }.prefix(limit))
    }

    static func median(_ values: [Int64]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : (Double(sorted[mid - 1]) + Double(sorted[mid])) / 2
    }
}
