import ClearwayCore

/// What to simulate: the size of the company and of the history.
public struct SimulationSettings: Sendable, Hashable {
    public var seed: UInt64 = 7
    public var customers = 240
    public var products = 600
    /// Orders on an ordinary weekday; weekends, Mondays and month-ends vary around it.
    public var ordersPerDay = 300
    public var days = 90
    /// Order-desk staff working the backlog through the API (0: nobody works it).
    public var agents = 2
    /// Exceptions one agent closes in a working hour.
    public var agentThroughputPerHour = 1.5
    /// Named people who work the backlog as themselves (Get next, their own assigned work);
    /// when set, they replace the anonymous `agents`.
    public var staff: [DeskPerson] = []

    public init() {}
}

/// The causes behind the simulated exceptions and the mix they are tuned to give.
///
/// Published benchmarks put the perfect-order rate around 90% (APQC median; OpsDog average
/// 89.0%, see `shared/data/SOURCES.md`), so about one order in ten should meet at least one
/// exception. The shares below are tuned so that a 90-day run lands there; `MixReport`
/// checks each figure against its target and tolerance.
public enum Calibration {
    /// Share of the drifting segment's contract items still at the old price on the portal.
    public static let stalePortalShare = 0.06
    /// Chance that a sales-desk order line is keyed at list instead of the contract price.
    public static let salesKeyingError = 0.004
    /// Share of the drifting family's SKUs whose WMS count is off at any time.
    public static let driftingSKUShare = 0.12
    /// Share of SKUs that are back-ordered at a site on a given day.
    public static let scarceSKUShare = 0.0003
    /// Share of replenishment POs whose supplier slips.
    public static let supplierSlipShare = 0.45
    /// Share of non-strategic customers that run close to their credit limit.
    public static let tightCreditShare = 0.12
    /// Share of days on which the saturated lane's carrier cuts capacity for a coming date.
    public static let laneCutShare = 0.12
    /// Newly onboarded customers whose master data is incomplete.
    public static let incompleteNewcomerShare = 0.6
    /// EDI lines carrying a part number the catalogue does not know.
    public static let unknownPartShare = 0.0015
    /// Picked lines where the WMS substitutes without telling the ERP, and short-picked lines.
    public static let substitutionShare = 0.0025
    public static let shortPickShare = 0.002
    /// Shipments whose delivery fails on the first attempt.
    public static let failedDeliveryShare = 0.004
    /// Orders the customer writes about.
    public static let messageShare = 0.008

    /// A target with its tolerance, as a share of orders.
    public struct Target: Sendable, Hashable {
        public var name: String
        public var share: Double
        public var tolerance: Double
    }

    /// The calibration targets: orders with at least one exception, and the share of
    /// orders meeting each exception family. Families are pooled by queue so the check is
    /// about causes, not about which of two related rules fired.
    public static let targets: [Target] = [
        Target(name: "orders with an exception", share: 0.10, tolerance: 0.025),
        Target(name: "pricing", share: 0.020, tolerance: 0.010),
        Target(name: "inventory", share: 0.022, tolerance: 0.012),
        Target(name: "credit", share: 0.016, tolerance: 0.010),
        Target(name: "logistics", share: 0.014, tolerance: 0.008),
        Target(name: "procurement", share: 0.006, tolerance: 0.005),
        Target(name: "master_data", share: 0.007, tolerance: 0.005),
        Target(name: "warehouse", share: 0.012, tolerance: 0.006),
        Target(name: "customer_service", share: 0.008, tolerance: 0.004),
    ]
}
