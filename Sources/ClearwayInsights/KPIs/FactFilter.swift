import ClearwayCore

/// Which exceptions a report covers: a period and any of the dimensions. `nil` is "all".
public struct FactFilter: Sendable, Hashable {
    /// Milliseconds since 1970 UTC; the period is [from, to).
    public var from: Int64
    public var to: Int64
    public var site: String?
    public var queue: String?
    public var type: String?
    public var segment: String?
    public var tier: String?
    public var channel: String?

    public init(from: Int64, to: Int64, site: String? = nil, queue: String? = nil, type: String? = nil,
                segment: String? = nil, tier: String? = nil, channel: String? = nil) {
        self.from = from; self.to = to; self.site = site; self.queue = queue; self.type = type
        self.segment = segment; self.tier = tier; self.channel = channel
    }

    public func matches(_ f: ExceptionFact) -> Bool {
        (site == nil || f.site == site) && (queue == nil || f.queue == queue) && (type == nil || f.type == type)
            && (segment == nil || f.segment == segment) && (tier == nil || f.tier == tier) && (channel == nil || f.channel == channel)
    }

    func inPeriod(_ t: Int64) -> Bool { t >= from && t < to }

    /// A period as people give it: `YYYY-MM-DD` days, `to` being the day after the period
    /// (default: the day after `now`), `from` defaulting to `days` before `to`. Each problem
    /// comes with the field it is about; an unknown exception type is one.
    public static func period(from: String?, to: String?, days: Int, now: Int64, site: String? = nil, queue: String? = nil, type: String? = nil,
                              segment: String? = nil, tier: String? = nil, channel: String? = nil) -> Result<FactFilter, Problems> {
        var problems: [(field: String, detail: String)] = []
        func day(_ text: String?, _ field: String) -> Int64? {
            guard let text else { return nil }
            guard let d = LocalDate(text) else {
                problems.append((field, "'\(text.prefix(40))' is not a date (YYYY-MM-DD)"))
                return nil
            }
            return Int64(d.dayNumber) * 86_400_000
        }
        let end = day(to, "to") ?? (now / 86_400_000 + 1) * 86_400_000
        let start = day(from, "from") ?? end - Int64(days) * 86_400_000
        if problems.isEmpty, start >= end { problems.append(("from", "must be before to")) }
        if let type, ExceptionType(rawValue: type) == nil { problems.append(("type", "unknown exception type '\(type.prefix(60))'")) }
        guard problems.isEmpty else { return .failure(Problems(list: problems)) }
        return .success(FactFilter(from: start, to: end, site: site, queue: queue, type: type, segment: segment, tier: tier, channel: channel))
    }

    public struct Problems: Error {
        public var list: [(field: String, detail: String)]
    }

    /// `YYYY-MM-DD` of a period bound.
    public static func day(_ ms: Int64) -> String { LocalDate(dayNumber: Int(ms / 86_400_000)).description }
}

/// The assumptions a report makes that a business sets for itself.
public struct KPISettings: Sendable, Hashable {
    /// Minutes of a person's time one touch costs (for the labour-hours estimate).
    public var minutesPerTouch: Double = 6
    /// An exception recurs when the same customer had the same type (on the same SKU, where
    /// it concerns one) within this many days before.
    public var recurrenceDays: Int = 30

    public init(minutesPerTouch: Double = 6, recurrenceDays: Int = 30) {
        self.minutesPerTouch = minutesPerTouch; self.recurrenceDays = recurrenceDays
    }
}
