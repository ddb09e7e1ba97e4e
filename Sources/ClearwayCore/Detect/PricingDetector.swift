/// Prices that differ from the contract beyond tolerance, and lines sold under the margin
/// floor of their product family.
enum PricingDetector {
    static func findings(order: Order, context: ReferenceContext, settings: DetectionSettings) -> [Finding] {
        var result: [Finding] = []
        for line in order.lines {
            guard let product = context.products[line.sku] else { continue }
            if let contract = context.contracts[line.sku], contract.isValid(on: order.orderDate), contract.price > .zero {
                let tolerance = contract.tolerancePercent ?? settings.defaultPriceTolerancePercent
                let variance = (line.unitPrice.doubleValue - contract.price.doubleValue) / contract.price.doubleValue * 100
                if abs(variance) > tolerance + 1e-9 {
                    let gap = line.unitPrice - contract.price
                    let atRisk = Money(tenThousandths: abs(gap.tenThousandths)) * line.quantity
                    result.append(Finding(
                        type: .pricingContractMismatch, key: "line:\(line.lineNumber)",
                        summary: "Line \(line.lineNumber) (\(line.sku)) priced \(line.unitPrice) against contract \(contract.price) (\(variance > 0 ? "+" : "")\(percentText(variance)), tolerance \(percentText(tolerance)))",
                        evidence: [
                            EvidenceItem(label: "unit price", expected: contract.price.description, actual: line.unitPrice.description),
                            EvidenceItem(label: "variance", expected: "±\(percentText(tolerance))", actual: percentText(variance)),
                            EvidenceItem(label: "quantity", actual: line.quantity.quantityText),
                        ],
                        moneyAtRisk: atRisk, decidedBy: "rule:pricing.contract_tolerance"))
                }
            }
            let floor = settings.marginFloor(family: product.family)
            if line.unitPrice > .zero {
                let margin = (line.unitPrice.doubleValue - product.unitCost.doubleValue) / line.unitPrice.doubleValue
                if margin < floor - 1e-9 {
                    let floorPrice = Money(product.unitCost.doubleValue / max(1e-9, 1 - floor))
                    result.append(Finding(
                        type: .pricingMarginBelowFloor, key: "line:\(line.lineNumber)",
                        summary: "Line \(line.lineNumber) (\(line.sku)) margin \(percentText(margin * 100)) is under the \(product.family) floor of \(percentText(floor * 100))",
                        evidence: [
                            EvidenceItem(label: "margin", expected: "≥ \(percentText(floor * 100))", actual: percentText(margin * 100)),
                            EvidenceItem(label: "unit price", expected: "≥ \(floorPrice)", actual: line.unitPrice.description),
                            EvidenceItem(label: "unit cost", actual: product.unitCost.description),
                        ],
                        moneyAtRisk: (floorPrice - line.unitPrice) * line.quantity, decidedBy: "rule:pricing.margin_floor"))
                }
            }
        }
        return result
    }
}
