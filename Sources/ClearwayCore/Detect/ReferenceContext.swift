/// Everything the detectors may look at besides the order itself, gathered by the engine
/// from the store. Detectors never fetch anything: they are pure functions of this value.
public struct ReferenceContext: Sendable {
    public var customer: Customer?
    public var products: [String: Product]
    public var contracts: [String: ContractPrice]
    /// Inventory at the order's site, by SKU.
    public var inventory: [String: InventoryPosition]
    public var carrierCapacity: [CarrierCapacity]
    public var supplierETAs: [String: [SupplierETA]]
    public var milestones: [ShipmentMilestone]
    public var pick: PickConfirmation?
    public var messages: [CustomerMessage]
    /// Value of other active orders of the same customer, not yet in reported exposure.
    public var otherOpenOrderValue: Money

    /// The customer's other open order value when it was read (there is a customer), else nil.
    public var otherOpenOrderValueIfRead: Money? { customer == nil ? nil : otherOpenOrderValue }

    public init(customer: Customer? = nil, products: [String: Product] = [:], contracts: [String: ContractPrice] = [:],
                inventory: [String: InventoryPosition] = [:], carrierCapacity: [CarrierCapacity] = [],
                supplierETAs: [String: [SupplierETA]] = [:], milestones: [ShipmentMilestone] = [],
                pick: PickConfirmation? = nil, messages: [CustomerMessage] = [], otherOpenOrderValue: Money = .zero) {
        self.customer = customer; self.products = products; self.contracts = contracts
        self.inventory = inventory; self.carrierCapacity = carrierCapacity; self.supplierETAs = supplierETAs
        self.milestones = milestones; self.pick = pick; self.messages = messages
        self.otherOpenOrderValue = otherOpenOrderValue
    }
}

/// Thresholds the detectors apply, taken from the policy in force for the order's site.
public struct DetectionSettings: Sendable, Hashable, Codable {
    /// Price tolerance in percent when the contract names none.
    public var defaultPriceTolerancePercent: Double
    /// Minimum gross margin per product family (fraction, e.g. 0.12); `*` is the default.
    public var marginFloors: [String: Double]
    /// ERP and WMS quantities may differ by this many units before it is a mismatch.
    public var recordMismatchTolerance: Double
    /// Extra headroom over the credit limit before an order is held, in percent.
    public var creditTolerancePercent: Double

    public init(defaultPriceTolerancePercent: Double = 2, marginFloors: [String: Double] = ["*": 0.1],
                recordMismatchTolerance: Double = 0, creditTolerancePercent: Double = 0) {
        self.defaultPriceTolerancePercent = defaultPriceTolerancePercent; self.marginFloors = marginFloors
        self.recordMismatchTolerance = recordMismatchTolerance; self.creditTolerancePercent = creditTolerancePercent
    }

    public func marginFloor(family: String) -> Double { marginFloors[family] ?? marginFloors["*"] ?? 0 }
}
