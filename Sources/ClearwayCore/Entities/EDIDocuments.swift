import Foundation

/// What an 855 needs about an order that came by EDI: who sent it, the PO, the ids the
/// partner used for each line, and the envelope to answer.
public struct EDIOrderContext: Sendable, Codable, Hashable {
    public var partner: String
    public var purchaseOrder: String
    public var purchaseOrderDate: String
    /// The partner's application code (their GS02), for the GS of the answer.
    public var application: String
    public var version: String
    /// PO101 assigned id and the product id qualifier used, keyed by line number.
    public var lineIds: [String: String]
    public var qualifiers: [String: String]
    public var acknowledgeImmediately: Bool

    public init(partner: String, purchaseOrder: String, purchaseOrderDate: String, application: String, version: String,
                lineIds: [String: String], qualifiers: [String: String], acknowledgeImmediately: Bool) {
        self.partner = partner; self.purchaseOrder = purchaseOrder; self.purchaseOrderDate = purchaseOrderDate
        self.application = application; self.version = version; self.lineIds = lineIds; self.qualifiers = qualifiers
        self.acknowledgeImmediately = acknowledgeImmediately
    }
}

/// A document Clearway wrote for a partner.
public struct EDIOutbound: Sendable, Hashable {
    public var id: String
    public var partner: String
    public var kind: String
    public var orderId: String
    public var purchaseOrder: String
    public var createdAt: Instant
    public var document: String

    public init(id: String, partner: String, kind: String, orderId: String, purchaseOrder: String, createdAt: Instant, document: String) {
        self.id = id; self.partner = partner; self.kind = kind; self.orderId = orderId; self.purchaseOrder = purchaseOrder
        self.createdAt = createdAt; self.document = document
    }
}
