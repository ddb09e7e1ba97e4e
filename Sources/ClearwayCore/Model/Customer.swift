/// Service tier a distributor promises a customer; drives SLA targets and priority.
public enum CustomerTier: String, Sendable, Codable, CaseIterable, Hashable {
    case strategic, key, standard
}

/// The credit standing finance reports for an account.
public enum CreditStanding: String, Sendable, Codable, CaseIterable, Hashable {
    case good
    case hold
    case pastDue = "past_due"
}

/// A customer account as the ERP/CRM knows it, with the fields order processing depends on.
public struct Customer: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var tier: CustomerTier
    public var segment: String
    public var creditLimit: Money
    /// Open receivables plus released but uninvoiced orders, as finance last reported.
    public var creditExposure: Money
    public var creditStanding: CreditStanding
    public var paymentTerms: String?
    public var taxId: String?
    public var shipTo: String?
    public var allowsSplitShipments: Bool
    public var allowsSubstitutions: Bool

    public init(id: String, name: String, tier: CustomerTier, segment: String, creditLimit: Money,
                creditExposure: Money = .zero, creditStanding: CreditStanding = .good,
                paymentTerms: String? = nil, taxId: String? = nil, shipTo: String? = nil,
                allowsSplitShipments: Bool = true, allowsSubstitutions: Bool = false) {
        self.id = id; self.name = name; self.tier = tier; self.segment = segment
        self.creditLimit = creditLimit; self.creditExposure = creditExposure
        self.creditStanding = creditStanding; self.paymentTerms = paymentTerms
        self.taxId = taxId; self.shipTo = shipTo
        self.allowsSplitShipments = allowsSplitShipments; self.allowsSubstitutions = allowsSubstitutions
    }

    /// The master-data fields an order cannot ship or invoice without.
    public var missingMasterData: [String] {
        var missing: [String] = []
        if (shipTo ?? "").isEmpty { missing.append("shipTo") }
        if (paymentTerms ?? "").isEmpty { missing.append("paymentTerms") }
        if (taxId ?? "").isEmpty { missing.append("taxId") }
        return missing
    }
}
