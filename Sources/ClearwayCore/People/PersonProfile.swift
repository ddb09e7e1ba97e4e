/// What a person can take: queues, and optionally only some exception types, sites,
/// customer segments or named accounts (an empty set means any).
public struct Skills: Sendable, Hashable, Codable {
    public var queues: Set<String>
    public var types: Set<String>
    public var sites: Set<String>
    public var segments: Set<String>
    public var accounts: Set<String>

    public init(queues: Set<String> = [], types: Set<String> = [], sites: Set<String> = [], segments: Set<String> = [],
                accounts: Set<String> = []) {
        self.queues = queues; self.types = types; self.sites = sites; self.segments = segments; self.accounts = accounts
    }

    /// The first skill that rules the item out, or nil when the person is skilled for it.
    public func gap(for item: RoutableItem) -> String? {
        if !queues.contains(item.queue) { return "no \(item.queue) skill" }
        if !types.isEmpty, !types.contains(item.type) { return "not skilled for \(item.type)" }
        if !sites.isEmpty, !sites.contains(item.site) { return "does not cover site \(item.site)" }
        if !segments.isEmpty, !segments.contains(item.segment ?? "") { return "does not cover segment \(item.segment ?? "none")" }
        if !accounts.isEmpty, !accounts.contains(item.customerId) { return "does not cover account \(item.customerId)" }
        return nil
    }
}

/// Whether a person is taking work: available, away for a while, or out of office for a
/// period with a delegate who takes their work meanwhile.
public struct Availability: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case available, away
        case outOfOffice = "out_of_office"
    }

    public var status: Status
    public var from: Instant?
    public var until: Instant?
    public var delegate: String?

    public init(status: Status = .available, from: Instant? = nil, until: Instant? = nil, delegate: String? = nil) {
        self.status = status; self.from = from; self.until = until; self.delegate = delegate
    }

    /// Whether the person is out of office at `now` (inside the period).
    public func isOut(at now: Instant) -> Bool {
        guard status == .outOfOffice else { return false }
        if let from, now < from { return false }
        if let until, now >= until { return false }
        return true
    }

    /// Whether the person takes new work at `now`.
    public func takesWork(at now: Instant) -> Bool { status == .available || (status == .outOfOffice && !isOut(at: now)) }

    /// What the status means at `now`, for lists and reasons.
    public func label(at now: Instant) -> String {
        switch status {
        case .available: "available"
        case .away: "away"
        case .outOfOffice where isOut(at: now):
            "out of office" + (until.map { " until \($0.iso8601.prefix(16))" } ?? "") + (delegate.map { ", delegate \($0)" } ?? "")
        case .outOfOffice: "available (out of office from \(from.map { String($0.iso8601.prefix(16)) } ?? "later"))"
        }
    }
}

/// One person as routing sees them: skills, how much open assigned work they hold at once,
/// the calendar of the site whose hours they work, and whether they take work now.
public struct PersonProfile: Sendable, Hashable, Codable {
    public var username: String
    public var skills: Skills
    /// Open assigned work held at once, weighted by the policy's routing weights.
    public var capacity: Double
    /// The site whose business calendar is this person's working time (nil: the global one).
    public var calendar: String?
    public var availability: Availability

    public static let defaultCapacity: Double = 8

    public init(username: String, skills: Skills = Skills(), capacity: Double = PersonProfile.defaultCapacity, calendar: String? = nil,
                availability: Availability = Availability()) {
        self.username = username; self.skills = skills; self.capacity = capacity; self.calendar = calendar; self.availability = availability
    }
}
