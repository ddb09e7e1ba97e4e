/// The canonical exception taxonomy. The raw values are public API: they appear in events,
/// URLs, policies and reports, so they never change once released.
public enum ExceptionType: String, Sendable, Codable, CaseIterable, Hashable {
    case pricingContractMismatch = "pricing.contract_mismatch"
    case pricingMarginBelowFloor = "pricing.margin_below_floor"
    case inventoryShortage = "inventory.shortage"
    case inventoryRecordMismatch = "inventory.record_mismatch"
    case creditLimitExceeded = "credit.limit_exceeded"
    case creditAccountHold = "credit.account_hold"
    case logisticsCarrierCapacity = "logistics.carrier_capacity"
    case logisticsDeliveryFailed = "logistics.delivery_failed"
    case procurementSupplierDelay = "procurement.supplier_delay"
    case masterdataIncompleteCustomer = "masterdata.incomplete_customer"
    case masterdataUnknownProduct = "masterdata.unknown_product"
    case warehouseShortPick = "warehouse.short_pick"
    case warehouseUnsyncedSubstitution = "warehouse.unsynced_substitution"
    case customerRequest = "customer.request"

    /// The team that owns this kind of exception unless policy routes it elsewhere.
    public var defaultQueue: String {
        switch self {
        case .pricingContractMismatch, .pricingMarginBelowFloor: "pricing"
        case .inventoryShortage, .inventoryRecordMismatch: "inventory"
        case .creditLimitExceeded, .creditAccountHold: "credit"
        case .logisticsCarrierCapacity, .logisticsDeliveryFailed: "logistics"
        case .procurementSupplierDelay: "procurement"
        case .masterdataIncompleteCustomer, .masterdataUnknownProduct: "master_data"
        case .warehouseShortPick, .warehouseUnsyncedSubstitution: "warehouse"
        case .customerRequest: "customer_service"
        }
    }

    /// Whether the exception describes a condition of the current data, so that it is
    /// resolved automatically when a later event shows the condition gone. A customer's
    /// request stays until someone answers it.
    public var clearsWhenCauseRemoved: Bool { self != .customerRequest }
}
