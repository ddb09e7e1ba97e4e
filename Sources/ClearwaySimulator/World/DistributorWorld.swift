import ClearwayCore

/// The static side of the simulated distributor: distribution centres, customers with
/// their contracts and credit, products in families with their suppliers, and carrier
/// lanes. Built once from the seed, so the same settings always give the same company.
public struct DistributorWorld: Sendable {
    public struct Site: Sendable, Hashable {
        public var id: String
        /// Hours from UTC, for placing orders in the site's working day.
        public var utcOffset: Int
        public var lanes: [String]
    }

    public struct Customer: Sendable, Hashable {
        public var id: String
        public var name: String
        public var tier: CustomerTier
        public var segment: String
        public var site: Int
        public var lane: String
        public var creditLimit: Double
        /// Runs close to its limit, so exposure builds into month-end credit holds.
        public var tightCredit: Bool
        /// Preferred ordering channel.
        public var channel: OrderChannel
        public var contractSKUs: [Int]
        /// How often it orders compared with an average customer.
        public var weight: Double
        /// Onboarded during the simulation, with incomplete master data (day it arrives).
        public var arrivesOnDay: Int?
    }

    public struct Product: Sendable, Hashable {
        public var sku: String
        public var family: String
        public var cost: Double
        public var listPrice: Double
        public var supplier: String
        public var leadTimeDays: Int
    }

    public static let families = ["fasteners", "electrical", "plumbing", "safety", "tools", "hvac"]
    public static let segments = ["industrial", "construction", "utilities", "oem", "government"]
    /// Where the causes concentrate (see `Calibration`).
    public static let driftingPriceSegment = "construction"
    public static let driftingStockFamily = "electrical"
    public static let driftingStockSite = "DC-CHI"
    public static let saturatedLane = "EAST-BOS"

    public let settings: SimulationSettings
    public private(set) var sites: [Site] = []
    public private(set) var customers: [Customer] = []
    public private(set) var products: [Product] = []

    public init(settings: SimulationSettings) {
        self.settings = settings
        var rng = SeededRandom(seed: settings.seed)
        sites = [
            Site(id: "DC-CHI", utcOffset: -6, lanes: ["CHI-DET", "CHI-MSP", "CHI-STL"]),
            Site(id: "DC-EAST", utcOffset: -5, lanes: ["EAST-BOS", "EAST-PHL", "EAST-CLT"]),
            Site(id: "DC-EU", utcOffset: 1, lanes: ["EU-HAM", "EU-MUC"]),
        ]
        for i in 0..<settings.products {
            let family = Self.families[i % Self.families.count]
            let list = (Double(rng.int(400...25_000)) / 100).rounded(toPlaces: 2)
            products.append(Product(sku: "SKU-\(10_000 + i)", family: family, cost: (list * Double(rng.int(45...60)) / 100).rounded(toPlaces: 2),
                                    listPrice: list, supplier: "SUP-\(family.uppercased())-\(i % 3 + 1)", leadTimeDays: rng.int(5...21)))
        }
        let newcomers = settings.days / 3
        for i in 0..<(settings.customers + newcomers) {
            let roll = rng.int(0...99)
            let tier: CustomerTier = roll < 5 ? .strategic : roll < 25 ? .key : .standard
            let site = rng.int(0...(sites.count - 1))
            let limit: Double = switch tier { case .strategic: 2_500_000; case .key: 600_000; case .standard: 120_000 }
            let channel: OrderChannel = switch rng.int(0...9) {
            case 0...3: tier == .standard ? .portal : .edi
            case 4...7: .portal
            default: .sales
            }
            let contracts = (0..<12).map { _ in rng.int(0...(settings.products - 1)) }
            let isNew = i >= settings.customers
            customers.append(Customer(
                id: "C-\(1_000 + i)", name: "Customer \(1_000 + i)", tier: tier, segment: Self.segments[rng.int(0...(Self.segments.count - 1))],
                site: site, lane: sites[site].lanes[rng.int(0...(sites[site].lanes.count - 1))], creditLimit: limit,
                tightCredit: tier != .strategic && rng.chance(Calibration.tightCreditShare), channel: channel,
                contractSKUs: Array(Set(contracts)).sorted(),
                weight: tier == .strategic ? 4 : tier == .key ? 2 : 1,
                arrivesOnDay: isNew ? (i - settings.customers) * 3 + 1 : nil))
        }
    }

    /// The contract price: list less the customer's negotiated discount.
    public func contractPrice(customer: Customer, sku: Int) -> Double {
        let discount = customer.tier == .strategic ? 0.78 : customer.tier == .key ? 0.84 : 0.9
        return (products[sku].listPrice * discount).rounded(toPlaces: 2)
    }

    /// Whether the portal still shows the price from before the contract was renegotiated:
    /// true for a fixed share of the drifting segment's contract items.
    public func portalPriceIsStale(customer: Customer, sku: Int) -> Bool {
        guard customer.segment == Self.driftingPriceSegment else { return false }
        return ((sku &* 2_654_435_761 &+ customer.id.hashValue0) & 0x7FFF_FFFF) % 100 < Int(Calibration.stalePortalShare * 100)
    }

    /// SKUs of the drifting family whose WMS count has drifted from the ERP.
    public func stockDrifts(sku: Int, day: Int) -> Bool {
        products[sku].family == Self.driftingStockFamily && (sku &* 40_503 &+ day / 7) % 100 < Int(Calibration.driftingSKUShare * 100)
    }
}

extension String {
    /// A stable hash (Swift's `hashValue` changes between runs).
    var hashValue0: Int { utf8.reduce(7) { ($0 &* 31 &+ Int($1)) & 0x7FFF_FFFF } }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
