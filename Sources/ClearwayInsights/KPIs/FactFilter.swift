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
