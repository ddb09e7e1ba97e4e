/// The CloudEvents `type` values Clearway accepts. They are public contract
/// (`clearway.<entity>.<event>.v<major>`); each has a JSON Schema and an example in
/// `docs/events/`.
public enum EventType: String, Sendable, CaseIterable, Codable, Hashable {
    case orderCreated = "clearway.order.created.v1"
    case orderUpdated = "clearway.order.updated.v1"
    case orderCancelled = "clearway.order.cancelled.v1"
    case customerUpserted = "clearway.customer.upserted.v1"
    case productUpserted = "clearway.product.upserted.v1"
    case contractUpserted = "clearway.contract.upserted.v1"
    case inventorySnapshot = "clearway.inventory.snapshot.v1"
    case carrierCapacity = "clearway.carrier.capacity.v1"
    case supplierEtaUpdated = "clearway.supplier.eta_updated.v1"
    case shipmentMilestone = "clearway.shipment.milestone.v1"
    case creditStatusChanged = "clearway.credit.status_changed.v1"
    case customerMessageReceived = "clearway.customer.message_received.v1"
    case pickConfirmed = "clearway.warehouse.pick_confirmed.v1"
    /// A source system reports the result of an action it accepted earlier.
    case actionResult = "clearway.action.result.v1"

    /// The file stem of this type's schema and example under `docs/events/`.
    public var docName: String {
        String(rawValue.dropFirst("clearway.".count).dropLast(".v1".count)).replacingOccurrences(of: ".", with: "-")
    }
}

/// A credit update from finance.
public struct CreditStatusChange: Sendable, Hashable, Codable {
    public var customerId: String
    public var standing: CreditStanding
    public var exposure: Money?
    public var creditLimit: Money?
}

/// An event's data turned into the canonical model.
public enum CanonicalEvent: Sendable, Hashable {
    case order(Order)
    case orderCancelled(orderId: String, reason: String?)
    case customer(Customer)
    case product(Product)
    case contract(ContractPrice)
    case inventory([InventoryPosition])
    case carrierCapacity(CarrierCapacity)
    case supplierETA(SupplierETA)
    case milestone(ShipmentMilestone)
    case credit(CreditStatusChange)
    case message(CustomerMessage)
    case pick(PickConfirmation)
    case actionResult(ActionResult)
}

/// The outcome of an action as the source system reports it.
public struct ActionResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case applied, rejected }
    public var actionId: String
    public var status: Status
    public var reason: String?
    public var reference: String?

    public init(actionId: String, status: Status, reason: String? = nil, reference: String? = nil) {
        self.actionId = actionId; self.status = status; self.reason = reason; self.reference = reference
    }
}

/// Raised for an event that is valid but cannot be processed now (e.g. it refers to an
/// order Clearway has never seen). Such events go to the dead-letter table, replayable.
public struct UnprocessableEvent: Error, Sendable, Hashable {
    public var code: String
    public var reason: String
    public init(code: String, reason: String) { self.code = code; self.reason = reason }
}
