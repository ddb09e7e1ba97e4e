/// Short picks, and substitutions the WMS made without the ERP knowing.
enum WarehouseDetector {
    static func findings(order: Order, context: ReferenceContext) -> [Finding] {
        guard let pick = context.pick else { return [] }
        var result: [Finding] = []
        let lines = Dictionary(order.lines.map { ($0.lineNumber, $0) }, uniquingKeysWith: { a, _ in a })
        for picked in pick.lines {
            guard let line = lines[picked.lineNumber] else { continue }
            if let substitute = picked.substitutedSku, substitute != line.sku {
                result.append(Finding(
                    type: .warehouseUnsyncedSubstitution, key: "line:\(line.lineNumber)",
                    summary: "WMS picked \(substitute) for line \(line.lineNumber) ordered as \(line.sku); the ERP order still shows \(line.sku)",
                    evidence: [EvidenceItem(label: "item", expected: line.sku, actual: substitute)],
                    moneyAtRisk: line.amount, decidedBy: "rule:warehouse.substitution_sync"))
            } else if picked.pickedQuantity + 1e-9 < line.quantity {
                let short = line.quantity - picked.pickedQuantity
                result.append(Finding(
                    type: .warehouseShortPick, key: "line:\(line.lineNumber)",
                    summary: "Line \(line.lineNumber) (\(line.sku)) picked \(picked.pickedQuantity.quantityText) of \(line.quantity.quantityText)",
                    evidence: [EvidenceItem(label: "picked quantity", expected: line.quantity.quantityText, actual: picked.pickedQuantity.quantityText)],
                    moneyAtRisk: line.unitPrice * short, decidedBy: "rule:warehouse.pick_vs_order"))
            }
        }
        return result
    }
}
