import ClearwayCore

/// Reads an 856 ship notice as milestones: the shipment level (HL code S) gives the
/// shipment id (BSN02), the carrier (TD503), when it shipped (DTM 011, else BSN03/04) and
/// the estimated delivery (DTM 017); each order level (HL code O) names its purchase order
/// (PRF01). Pack (P) and item (I) levels are read past.
public enum X12ShipNotice {
    public struct Milestone: Sendable, Hashable {
        public var purchaseOrder: String
        public var shipmentId: String
        public var carrier: String
        public var shippedAt: Instant
        public var estimatedDelivery: LocalDate?
    }

    public static func milestones(_ t: X12Transaction, receivedAt: Instant) throws(X12PurchaseOrder.Refusal) -> [Milestone] {
        guard t.code == "856" else { throw X12PurchaseOrder.Refusal(description: "transaction set \(t.code) is not a ship notice") }
        guard let bsn = t.body.first(where: { $0.id == "BSN" }), let shipment = bsn[2] else {
            throw X12PurchaseOrder.Refusal(description: "the 856 has no BSN segment with a shipment id (BSN02)")
        }
        var level = ""
        var carrier = "UNKNOWN"
        var shipped: LocalDate? = bsn[3].flatMap(X12PurchaseOrder.date)
        var estimated: LocalDate?
        var orders: [String] = []
        for s in t.body {
            switch s.id {
            case "HL": level = s[3] ?? ""
            case "TD5" where level == "S": carrier = s[3] ?? s[5] ?? carrier
            case "DTM" where level == "S":
                if s[1] == "011" { shipped = s[2].flatMap(X12PurchaseOrder.date) ?? shipped }
                if s[1] == "017" { estimated = s[2].flatMap(X12PurchaseOrder.date) }
            case "PRF" where level == "O": if let po = s[1] { orders.append(po) }
            default: break
            }
        }
        guard !orders.isEmpty else { throw X12PurchaseOrder.Refusal(description: "the 856 names no order (no PRF under an HL of code O)") }
        let at = shipped.map { Instant(millis: Int64($0.dayNumber) * 86_400_000 + 12 * 3_600_000) } ?? receivedAt
        return orders.map { Milestone(purchaseOrder: $0, shipmentId: shipment, carrier: carrier, shippedAt: at, estimatedDelivery: estimated) }
    }
}
