/// One person's load as a supervisor reads it.
public struct PersonWorkload: Sendable, Hashable {
    public var username: String
    public var displayName: String
    public var availability: String
    public var capacity: Double
    public var load: Double
    public var open: Int
    public var atRisk: Int
    public var breached: Int
    public var queues: [String]

    public init(username: String, displayName: String, availability: String, capacity: Double, load: Double, open: Int, atRisk: Int,
                breached: Int, queues: [String]) {
        self.username = username; self.displayName = displayName; self.availability = availability; self.capacity = capacity
        self.load = load; self.open = open; self.atRisk = atRisk; self.breached = breached; self.queues = queues
    }
}

/// One queue's flow: how it is routed, what is open and unassigned, and per day how much
/// came in against how much was resolved.
public struct QueueFlow: Sendable, Hashable {
    public struct Day: Sendable, Hashable {
        public var date: LocalDate
        public var inflow: Int
        public var resolved: Int
        public init(date: LocalDate, inflow: Int, resolved: Int) { self.date = date; self.inflow = inflow; self.resolved = resolved }
    }

    public var queue: String
    public var mode: RoutingMode
    public var open: Int
    public var unassigned: Int
    public var days: [Day]

    public init(queue: String, mode: RoutingMode, open: Int, unassigned: Int, days: [Day]) {
        self.queue = queue; self.mode = mode; self.open = open; self.unassigned = unassigned; self.days = days
    }
}

/// Per-person counts read from the store, before profiles are joined in.
public struct AssigneeCounts: Sendable, Hashable {
    public var open: Int = 0
    public var atRisk: Int = 0
    public var breached: Int = 0
    public init(open: Int = 0, atRisk: Int = 0, breached: Int = 0) { self.open = open; self.atRisk = atRisk; self.breached = breached }
}
