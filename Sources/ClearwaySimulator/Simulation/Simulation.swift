import ClearwayCore

/// Runs the simulated distributor against Clearway: every simulated step it sends what the
/// source systems did (orders, stock counts, credit, carrier capacity, picks, shipments,
/// e-mails) as CloudEvents, and lets the order desk work the backlog through the API.
///
/// Time is the caller's: `run` calls `moveClock` before each step, so an embedded Clearway
/// on a manual clock records a backfill at the simulated times, while a remote one on the
/// wall clock simply receives the stream.
public final class Simulation {
    public let world: DistributorWorld
    public let start: LocalDate
    let connection: ClearwayConnection
    var schedule = Schedule()
    var orders: [String: SimOrder] = [:]
    var stock: [String: StockPosition] = [:]
    var rng: SeededRandom
    var eventCounter = 0
    var orderCounter = 0
    var deskCredit = 0.0
    /// Price queries the desk put to the customer, and when the buyer's answer comes back.
    var askedCustomers: [WorkItem: Instant] = [:]
    /// Who on a named desk asked, so the answer comes back to them.
    var askedBy: [WorkItem: String] = [:]
    /// Each named person's unspent working time, in exceptions, and when the desk last worked.
    var staffCredit: [String: Double] = [:]
    var deskWorkedAt: Instant?
    /// Simulated time reached so far.
    public private(set) var now: Instant
    public internal(set) var stats = SimulationStats()
    var lastDayPlanned = -1
    /// Where the simulated systems record the actions Clearway sent them (nil: no actions).
    public var actionLedger: ActionLedger?

    public init(world: DistributorWorld, start: LocalDate, connection: ClearwayConnection) {
        self.world = world
        self.start = start
        self.connection = connection
        self.rng = SeededRandom(seed: world.settings.seed &* 0x9E37_79B9 &+ 1)
        self.now = Instant(millis: Int64(start.dayNumber) * 86_400_000)
    }

    /// Plays simulated time forward to `until`, in steps of `stepMinutes`.
    /// `moveClock` runs before each step's events are sent; `progress` after each step.
    public func run(until: Instant, stepMinutes: Int = 30,
                    moveClock: (Instant) async throws -> Void,
                    progress: (Instant) -> Void = { _ in }) async throws {
        let step = Int64(stepMinutes) * 60_000
        while now < until {
            let next = Instant(millis: min(now.millis + step, until.millis))
            try await advance(to: next, moveClock: moveClock)
            progress(next)
        }
    }

    /// One step: plan any new days, move the clock, send what fell due, work the backlog.
    func advance(to time: Instant, moveClock: (Instant) async throws -> Void) async throws {
        let day = Int((time.millis / 86_400_000)) - start.dayNumber
        while lastDayPlanned < day {
            lastDayPlanned += 1
            planDay(lastDayPlanned)
        }
        try await moveClock(time)
        now = time
        var events: [JSONValue] = []
        var createdOrders: [String] = []
        for happening in schedule.takeDue(time) {
            switch happening {
            case .send(let e):
                events.append(e)
                if e["type"]?.stringValue == EventType.orderCreated.rawValue, let id = e["data"]?["orderId"]?.stringValue { createdOrders.append(id) }
            case .pick(let orderId): if let e = pickEvent(orderId) { events.append(e) }
            case .ship(let orderId, let attempt): events += ship(orderId, attempt: attempt)
            case .restock(let site, let sku):
                stock["\(site)|\(sku)"] = Self.ample
                events.append(snapshotEvent(site: site, [(sku, Self.ample)], at: time))
                stats.sourceFixes += 1
            case .fix(let orderId, let e):
                events.append(e)
                stats.sourceFixes += 1
                if let orderId { orders[orderId]?.held = false }
            }
        }
        if let ledger = actionLedger { events += playActions(ledger.takeUnplayed(), at: time) }
        if !events.isEmpty {
            let outcomes = try await connection.send(events)
            stats.eventsSent += outcomes.count
            let byId = Dictionary(outcomes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for orderId in createdOrders {
                if let o = byId["order-\(orderId)"], !o.caseIds.isEmpty { orders[orderId]?.held = true; stats.ordersHeldAtEntry += 1 }
            }
        }
        try await workBacklog(at: time)
    }

    func nextEventId(_ prefix: String) -> String {
        eventCounter += 1
        return "\(prefix)-\(eventCounter)"
    }

    /// A CloudEvent stamped with the simulated time.
    func event(_ source: String, _ id: String, _ type: EventType, _ data: [String: JSONValue], at: Instant) -> JSONValue {
        SyntheticDistributor.event(source, id, type, data, time: at)
    }

    func instant(day: Int, hourUTC: Double) -> Instant {
        Instant(millis: Int64(start.dayNumber + day) * 86_400_000 + Int64(hourUTC * 3_600_000))
    }
}

/// One order the simulated ERP knows about, until it ships.
struct SimOrder {
    var id: String
    var customer: Int
    var site: Int
    var shipDay: Int
    var data: [String: JSONValue]
    var held = false
}

struct StockPosition: Hashable {
    var erp: Double
    var wms: Double
}

/// What the simulation did, for the report and the demo's progress line.
public struct SimulationStats: Sendable, Hashable {
    public var ordersCreated = 0
    /// Orders entered with a price off contract (stale portal price or keying error).
    public var ordersMispriced = 0
    public var eventsSent = 0
    public var ordersHeldAtEntry = 0
    public var sourceFixes = 0
    public var resolvedByDesk = 0
    /// Price queries the desk put to the customer (the exception waits, its SLA clock paused).
    public var customersAsked = 0
    public var ordersShipped = 0
    /// Actions Clearway had carried out in the simulated systems.
    public var actionsPlayed = 0
    /// Credit releases the desk asked for, and approvals the simulated credit analyst gave.
    public var actionsAsked = 0
    public var approvalsGiven = 0
}
