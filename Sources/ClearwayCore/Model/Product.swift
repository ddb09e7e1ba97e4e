/// A sellable item in the product master.
public struct Product: Sendable, Codable, Hashable {
    public var sku: String
    public var description: String
    public var family: String
    /// Units of measure the item may be ordered in; the first is the stocking unit.
    public var unitsOfMeasure: [String]
    public var unitCost: Money
    public var listPrice: Money
    public var active: Bool

    public init(sku: String, description: String, family: String, unitsOfMeasure: [String],
                unitCost: Money, listPrice: Money, active: Bool = true) {
        self.sku = sku; self.description = description; self.family = family
        self.unitsOfMeasure = unitsOfMeasure; self.unitCost = unitCost
        self.listPrice = listPrice; self.active = active
    }
}

/// A customer's agreed price for one SKU, with the variance the contract tolerates.
public struct ContractPrice: Sendable, Codable, Hashable {
    public var customerId: String
    public var sku: String
    public var price: Money
    /// Allowed deviation of the order price from the contract price, in percent.
    public var tolerancePercent: Double?
    public var validFrom: LocalDate?
    public var validTo: LocalDate?

    public init(customerId: String, sku: String, price: Money, tolerancePercent: Double? = nil,
                validFrom: LocalDate? = nil, validTo: LocalDate? = nil) {
        self.customerId = customerId; self.sku = sku; self.price = price
        self.tolerancePercent = tolerancePercent; self.validFrom = validFrom; self.validTo = validTo
    }

    public func isValid(on date: LocalDate) -> Bool {
        if let validFrom, date < validFrom { return false }
        if let validTo, validTo < date { return false }
        return true
    }
}
