/// The actions Clearway can take in a source system to clear an exception. The raw values
/// are public API (URLs, policies, connector payloads) and never change once released.
public enum ActionKind: String, Sendable, Codable, CaseIterable, Hashable {
    case releaseHold = "release_hold"
    case splitOrder = "split_order"
    case allocateFromSite = "allocate_from_site"
    case approveSubstitution = "approve_substitution"
    case rebookCarrier = "rebook_carrier"
    case revisePromiseDate = "revise_promise_date"
    case expeditePurchaseOrder = "expedite_purchase_order"
    case overridePrice = "override_price"
    case releaseCredit = "release_credit"
    case notifyCustomer = "notify_customer"
    case postWarehouseCount = "post_warehouse_count"

    /// The source system that carries the action out; connectors are configured per system.
    public var system: String {
        switch self {
        case .releaseHold, .splitOrder, .allocateFromSite, .revisePromiseDate, .overridePrice, .releaseCredit: "erp"
        case .approveSubstitution, .postWarehouseCount: "wms"
        case .rebookCarrier: "tms"
        case .expeditePurchaseOrder: "supplier"
        case .notifyCustomer: "crm"
        }
    }

    /// The resolution code an exception gets when this action completes.
    public var resolutionCode: String {
        switch self {
        case .releaseHold: "hold_released"
        case .splitOrder: "order_split"
        case .allocateFromSite: "reallocated"
        case .approveSubstitution: "substitution_approved"
        case .rebookCarrier: "carrier_rebooked"
        case .revisePromiseDate: "promise_date_revised"
        case .expeditePurchaseOrder: "po_expedited"
        case .overridePrice: "price_overridden"
        case .releaseCredit: "credit_released"
        case .notifyCustomer: "customer_notified"
        case .postWarehouseCount: "wms_count_posted"
        }
    }

    /// How people read the action in the console and the timeline.
    public var label: String {
        switch self {
        case .releaseHold: "Release hold"
        case .splitOrder: "Split order and release part"
        case .allocateFromSite: "Allocate from another DC"
        case .approveSubstitution: "Approve substitution"
        case .rebookCarrier: "Rebook carrier / move ship date"
        case .revisePromiseDate: "Revise promise date"
        case .expeditePurchaseOrder: "Expedite purchase order"
        case .overridePrice: "Override price"
        case .releaseCredit: "Release credit"
        case .notifyCustomer: "Notify customer"
        case .postWarehouseCount: "Post WMS count to ERP"
        }
    }

    /// Actions that make sense for an exception type, best first (what the console offers).
    public static func suggested(for type: ExceptionType) -> [ActionKind] {
        switch type {
        case .pricingContractMismatch, .pricingMarginBelowFloor: [.overridePrice, .notifyCustomer]
        case .inventoryShortage: [.allocateFromSite, .splitOrder, .revisePromiseDate, .expeditePurchaseOrder, .approveSubstitution]
        case .inventoryRecordMismatch: [.postWarehouseCount]
        case .creditLimitExceeded, .creditAccountHold: [.releaseCredit, .releaseHold, .notifyCustomer]
        case .logisticsCarrierCapacity: [.rebookCarrier, .revisePromiseDate, .notifyCustomer]
        case .logisticsDeliveryFailed: [.rebookCarrier, .notifyCustomer]
        case .procurementSupplierDelay: [.expeditePurchaseOrder, .revisePromiseDate, .allocateFromSite, .notifyCustomer]
        case .masterdataIncompleteCustomer, .masterdataUnknownProduct: [.notifyCustomer, .releaseHold]
        case .warehouseShortPick: [.splitOrder, .allocateFromSite, .notifyCustomer]
        case .warehouseUnsyncedSubstitution: [.approveSubstitution, .notifyCustomer]
        case .customerRequest: [.notifyCustomer, .revisePromiseDate]
        }
    }
}
