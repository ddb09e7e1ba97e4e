/// Everything a guardrail may look at, gathered by the engine from the store. Guardrails
/// never fetch anything: like detectors, they are pure functions of this value.
public struct ActionContext: Sendable {
    public var order: Order?
    public var customer: Customer?
    public var products: [String: Product]
    public var contracts: [String: ContractPrice]
    /// Stock of the order's SKUs (and any substitute asked for) at every site: site → SKU → position.
    public var inventory: [String: [String: InventoryPosition]]
    /// Capacity reported for the order's lane.
    public var carrierCapacity: [CarrierCapacity]
    /// Open purchase order lines for the order's SKUs at its site.
    public var supplierETAs: [String: [SupplierETA]]
    /// Value of the customer's other active orders, not yet in reported exposure.
    public var otherOpenOrderValue: Money
    public var today: LocalDate
    public var detection: DetectionSettings

    public init(order: Order?, customer: Customer?, products: [String: Product] = [:], contracts: [String: ContractPrice] = [:],
                inventory: [String: [String: InventoryPosition]] = [:], carrierCapacity: [CarrierCapacity] = [],
                supplierETAs: [String: [SupplierETA]] = [:], otherOpenOrderValue: Money = .zero, today: LocalDate,
                detection: DetectionSettings = DetectionSettings()) {
        self.order = order; self.customer = customer; self.products = products; self.contracts = contracts
        self.inventory = inventory; self.carrierCapacity = carrierCapacity; self.supplierETAs = supplierETAs
        self.otherOpenOrderValue = otherOpenOrderValue; self.today = today; self.detection = detection
    }

    public func line(_ number: Int) -> OrderLine? { order?.lines.first { $0.lineNumber == number } }

    public func available(site: String, sku: String) -> Double? { inventory[site]?[sku]?.available }

    /// Exposure the customer would carry after `amount` more is released.
    public func exposure(adding amount: Money) -> Money {
        (customer?.creditExposure ?? .zero) + otherOpenOrderValue + amount
    }
}

/// One guardrail's verdict, with the reason in words a credit analyst or planner accepts.
public struct GuardrailCheck: Sendable, Hashable, Codable {
    public var id: String
    public var passed: Bool
    public var detail: String

    public init(id: String, passed: Bool, detail: String) { self.id = id; self.passed = passed; self.detail = detail }
}

/// What an action would put at stake, for approval thresholds.
public struct ActionImpact: Sendable, Hashable, Codable {
    /// Value the action commits: the line value at the new price for a price override, the
    /// released amount for a credit release, the order's value otherwise.
    public var amount: Money
    /// How far a price override sets the price from the contract price (or the list price
    /// without a contract), in percent: accepting the contract price is 0.
    public var priceChangePercent: Double?
    /// Whether the customer's exposure would end above the credit limit.
    public var overCreditLimit: Bool

    public init(amount: Money, priceChangePercent: Double? = nil, overCreditLimit: Bool = false) {
        self.amount = amount; self.priceChangePercent = priceChangePercent; self.overCreditLimit = overCreditLimit
    }
}
