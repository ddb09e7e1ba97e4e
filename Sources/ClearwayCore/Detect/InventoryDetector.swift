/// Lines the preferred DC cannot fill, and SKUs where ERP and WMS disagree on stock.
enum InventoryDetector {
    static func findings(order: Order, context: ReferenceContext, settings: DetectionSettings) -> [Finding] {
        guard order.status != .released else { return [] }
        var result: [Finding] = []
        var demand: [String: Double] = [:]
        for line in order.lines { demand[line.sku, default: 0] += line.quantity }
        for line in order.lines {
            guard context.products[line.sku] != nil, let position = context.inventory[line.sku] else { continue }
            let needed = demand[line.sku] ?? line.quantity
            if position.available + 1e-9 < needed {
                let short = needed - position.available
                let incoming = (context.supplierETAs[line.sku] ?? []).map(\.eta).min()
                var evidence = [
                    EvidenceItem(label: "available at \(order.site)", expected: needed.quantityText, actual: position.available.quantityText),
                    EvidenceItem(label: "short", actual: short.quantityText),
                ]
                if let incoming { evidence.append(EvidenceItem(label: "next supplier arrival", actual: incoming.description)) }
                result.append(Finding(
                    type: .inventoryShortage, key: "line:\(line.lineNumber)",
                    summary: "Line \(line.lineNumber) (\(line.sku)) needs \(needed.quantityText) at \(order.site); \(position.available.quantityText) available",
                    evidence: evidence,
                    moneyAtRisk: line.unitPrice * min(short, line.quantity), decidedBy: "rule:inventory.available_to_promise"))
            }
        }
        for sku in order.skus.sorted() {
            guard let position = context.inventory[sku] else { continue }
            let gap = position.erpOnHand - position.wmsOnHand
            if abs(gap) > settings.recordMismatchTolerance + 1e-9 {
                let value = order.lines.first { $0.sku == sku }.map { $0.unitPrice * abs(gap) } ?? .zero
                result.append(Finding(
                    type: .inventoryRecordMismatch, key: "sku:\(sku)",
                    summary: "ERP shows \(position.erpOnHand.quantityText) of \(sku) at \(order.site), WMS counts \(position.wmsOnHand.quantityText)",
                    evidence: [
                        EvidenceItem(label: "on hand", expected: "ERP \(position.erpOnHand.quantityText)", actual: "WMS \(position.wmsOnHand.quantityText)"),
                        EvidenceItem(label: "tolerance", actual: settings.recordMismatchTolerance.quantityText),
                    ],
                    moneyAtRisk: value, decidedBy: "rule:inventory.erp_wms_reconcile"))
            }
        }
        return result
    }
}
