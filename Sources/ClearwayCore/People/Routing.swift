import Foundation

/// One open exception as routing sees it.
public struct RoutableItem: Sendable, Hashable {
    public var exceptionId: String
    public var caseId: String
    public var queue: String
    public var type: String
    public var site: String
    public var segment: String?
    public var customerId: String
    public var priority: Double
    public var atRisk: Bool
    public var breached: Bool
    public var assignee: String?

    public init(exceptionId: String, caseId: String, queue: String, type: String, site: String, segment: String?, customerId: String,
                priority: Double, atRisk: Bool = false, breached: Bool = false, assignee: String? = nil) {
        self.exceptionId = exceptionId; self.caseId = caseId; self.queue = queue; self.type = type; self.site = site
        self.segment = segment; self.customerId = customerId; self.priority = priority; self.atRisk = atRisk; self.breached = breached
        self.assignee = assignee
    }

    /// Most urgent first: at risk, then priority, then the older id.
    public static func urgentFirst(_ a: RoutableItem, _ b: RoutableItem) -> Bool {
        if a.atRisk != b.atRisk { return a.atRisk }
        if a.priority != b.priority { return a.priority > b.priority }
        return a.exceptionId < b.exceptionId
    }
}

/// Who may take work now and how much they already hold (weighted open assigned work).
public struct Roster: Sendable, Hashable {
    public var people: [PersonProfile]
    public var load: [String: Double]
    /// People whose working calendar is open now.
    public var onShift: Set<String>
    public var settings: RoutingSettings
    public var now: Instant

    public init(people: [PersonProfile], load: [String: Double], onShift: Set<String>, settings: RoutingSettings, now: Instant) {
        self.people = people; self.load = load; self.onShift = onShift; self.settings = settings; self.now = now
    }

    /// The roster at `now`: each person is on shift when their calendar's site is open.
    public init(people: [PersonProfile], load: [String: Double], policy: Policy, now: Instant) {
        let onShift = people.filter { policy.site($0.calendar ?? "").calendar.isOpen(at: now) }.map(\.username)
        self.init(people: people, load: load, onShift: Set(onShift), settings: policy.routing, now: now)
    }

    public func held(_ username: String) -> Double { load[username] ?? 0 }
}

/// What routing decided for one item, with the reason the timeline shows.
public enum RoutingChoice: Sendable, Hashable {
    case person(String, reason: String)
    case nobody(reason: String)

    public var assignee: String? { if case .person(let who, _) = self { who } else { nil } }
    public var reason: String { switch self { case .person(_, let r), .nobody(let r): r } }
}

/// Routing decisions: pure functions of people, their load and the item.
public enum WorkRouter {
    /// The least-loaded skilled person on shift with room for the item (ties: lower load,
    /// then username), or nobody with the reason.
    public static func choose(_ item: RoutableItem, roster: Roster) -> RoutingChoice {
        let skilled = roster.people.filter { $0.skills.gap(for: item) == nil }
        guard !skilled.isEmpty else { return .nobody(reason: "nobody has the skills for \(item.type) in \(item.queue) at \(item.site)") }
        let present = skilled.filter { $0.availability.takesWork(at: roster.now) && roster.onShift.contains($0.username) }
        guard !present.isEmpty else { return .nobody(reason: "no one skilled for \(item.queue) is available and on shift") }
        let weight = roster.settings.weight(of: item.type)
        let room = present.filter { roster.held($0.username) + weight <= $0.capacity + 1e-9 }
        guard let best = room.min(by: { lessLoaded($0, $1, roster) }) else {
            return .nobody(reason: "everyone skilled for \(item.queue) and on shift is at capacity")
        }
        return .person(best.username, reason: "assigned to \(best.username): \(item.queue) skill, "
                       + "\(amount(roster.held(best.username))) of \(amount(best.capacity)) capacity")
    }

    /// Assigns items most urgent first, each choice counting toward the next person's load.
    public static func plan(_ items: [RoutableItem], roster: Roster) -> [(item: RoutableItem, choice: RoutingChoice)] {
        var roster = roster
        return items.sorted(by: RoutableItem.urgentFirst).map { item in
            let choice = choose(item, roster: roster)
            if let who = choice.assignee { roster.load[who, default: 0] += roster.settings.weight(of: item.type) }
            return (item, choice)
        }
    }

    /// Whether `username` may take one more item of `type` (a supervisor's override aside).
    public static func capacityRefusal(for username: String, type: String, roster: Roster) -> String? {
        guard let person = roster.people.first(where: { $0.username == username }) else { return nil }
        let held = roster.held(username), weight = roster.settings.weight(of: type)
        guard held + weight > person.capacity + 1e-9 else { return nil }
        return "\(username) holds \(amount(held)) of \(amount(person.capacity)) capacity and \(type) weighs \(amount(weight))"
    }

    static func lessLoaded(_ a: PersonProfile, _ b: PersonProfile, _ roster: Roster) -> Bool {
        let la = roster.held(a.username), lb = roster.held(b.username)
        let ra = a.capacity > 0 ? la / a.capacity : .infinity, rb = b.capacity > 0 ? lb / b.capacity : .infinity
        if ra != rb { return ra < rb }
        if la != lb { return la < lb }
        return a.username < b.username
    }

    public static func amount(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

extension WorkRouter {
    /// A queue's leads: the supervisors whose skills include the queue, or every supervisor
    /// when none does (or the queue is not known).
    public static func leads(of queue: String?, supervisors: [String], people: [PersonProfile]) -> [String] {
        guard let queue else { return supervisors }
        let skilled = Set(people.filter { $0.skills.queues.contains(queue) }.map(\.username))
        let leads = supervisors.filter(skilled.contains)
        return leads.isEmpty ? supervisors : leads
    }
}
