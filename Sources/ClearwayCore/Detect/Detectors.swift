/// Runs every detector over one order. Pure: the same order and context always give the
/// same findings, which is what lets a later event "remove the cause" of an exception.
public enum Detectors {
    public static func detect(order: Order, context: ReferenceContext, settings: DetectionSettings) -> [Finding] {
        switch order.status {
        case .cancelled:
            return []
        case .shipped:
            // Once shipped only transport and the customer can still go wrong.
            return LogisticsDetector.deliveryFindings(order: order, context: context) + CustomerRequestRule.findings(order: order, context: context)
        case .delivered:
            return CustomerRequestRule.findings(order: order, context: context)
        case .open, .onHold, .released:
            break
        }
        var findings: [Finding] = []
        findings += MasterDataDetector.findings(order: order, context: context)
        findings += PricingDetector.findings(order: order, context: context, settings: settings)
        findings += InventoryDetector.findings(order: order, context: context, settings: settings)
        findings += CreditDetector.findings(order: order, context: context, settings: settings)
        findings += LogisticsDetector.findings(order: order, context: context)
        findings += WarehouseDetector.findings(order: order, context: context)
        findings += CustomerRequestRule.findings(order: order, context: context)
        return findings.map { itemOf($0, order: order, context: context) }
    }

    /// Names the item a line- or SKU-keyed finding concerns, and its family.
    static func itemOf(_ finding: Finding, order: Order, context: ReferenceContext) -> Finding {
        var f = finding
        if f.key.hasPrefix("sku:") {
            f.sku = String(f.key.dropFirst(4))
        } else if f.key.hasPrefix("line:"), let n = Int(f.key.dropFirst(5)) {
            f.sku = order.lines.first { $0.lineNumber == n }?.sku
        }
        f.productFamily = f.sku.flatMap { context.products[$0]?.family }
        return f
    }
}

extension Double {
    /// Quantities as people write them: `12`, not `12.0`.
    var quantityText: String { self == rounded() && abs(self) < 1e12 ? String(Int64(self)) : String(self) }
}

func percentText(_ p: Double) -> String {
    let r = (p * 100).rounded() / 100
    return r == r.rounded() ? "\(Int(r))%" : "\(r)%"
}
