/// Stock of one SKU at one site as both the ERP and the WMS report it.
public struct InventoryPosition: Sendable, Codable, Hashable {
    public var site: String
    public var sku: String
    /// On hand according to the ERP (what order promising believes).
    public var erpOnHand: Double
    /// On hand according to the warehouse (what can really be picked).
    public var wmsOnHand: Double
    /// Already promised to other orders.
    public var allocated: Double

    public init(site: String, sku: String, erpOnHand: Double, wmsOnHand: Double, allocated: Double = 0) {
        self.site = site; self.sku = sku; self.erpOnHand = erpOnHand
        self.wmsOnHand = wmsOnHand; self.allocated = allocated
    }

    /// What a new order can take: the smaller of the two systems' views, less allocations.
    public var available: Double { max(0, min(erpOnHand, wmsOnHand) - allocated) }
}

/// An open purchase order line's expected arrival, as the supplier last reported it.
public struct SupplierETA: Sendable, Codable, Hashable {
    public var purchaseOrder: String
    public var supplierId: String
    public var site: String
    public var sku: String
    public var quantity: Double
    public var eta: LocalDate
    public var previousEta: LocalDate?

    public init(purchaseOrder: String, supplierId: String, site: String, sku: String, quantity: Double,
                eta: LocalDate, previousEta: LocalDate? = nil) {
        self.purchaseOrder = purchaseOrder; self.supplierId = supplierId; self.site = site
        self.sku = sku; self.quantity = quantity; self.eta = eta; self.previousEta = previousEta
    }
}
