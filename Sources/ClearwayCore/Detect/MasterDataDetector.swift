/// Orders that cannot ship or invoice because master data is missing or unknown.
enum MasterDataDetector {
    static func findings(order: Order, context: ReferenceContext) -> [Finding] {
        var result: [Finding] = []
        if let customer = context.customer {
            let missing = customer.missingMasterData
            if !missing.isEmpty {
                result.append(Finding(
                    type: .masterdataIncompleteCustomer, key: "customer:\(customer.id)",
                    summary: "Customer \(customer.id) is missing \(missing.joined(separator: ", "))",
                    evidence: missing.map { EvidenceItem(label: $0, expected: "present", actual: "missing") },
                    moneyAtRisk: order.total, decidedBy: "rule:masterdata.customer_required_fields"))
            }
        } else {
            result.append(Finding(
                type: .masterdataIncompleteCustomer, key: "customer:\(order.customerId)",
                summary: "Customer \(order.customerId) is not in the customer master",
                evidence: [EvidenceItem(label: "customer", expected: "known account", actual: "unknown \(order.customerId)")],
                moneyAtRisk: order.total, decidedBy: "rule:masterdata.customer_known"))
        }
        for line in order.lines {
            guard let product = context.products[line.sku] else {
                result.append(Finding(
                    type: .masterdataUnknownProduct, key: "line:\(line.lineNumber)",
                    summary: "Line \(line.lineNumber): SKU \(line.sku) is not in the product master",
                    evidence: [EvidenceItem(label: "sku", expected: "known product", actual: line.sku)],
                    moneyAtRisk: line.amount, decidedBy: "rule:masterdata.product_known"))
                continue
            }
            if !product.unitsOfMeasure.contains(line.unitOfMeasure) {
                result.append(Finding(
                    type: .masterdataUnknownProduct, key: "line:\(line.lineNumber)",
                    summary: "Line \(line.lineNumber): \(line.sku) is not sold in \(line.unitOfMeasure)",
                    evidence: [EvidenceItem(label: "unit of measure", expected: product.unitsOfMeasure.joined(separator: " / "), actual: line.unitOfMeasure)],
                    moneyAtRisk: line.amount, decidedBy: "rule:masterdata.unit_of_measure"))
            } else if !product.active {
                result.append(Finding(
                    type: .masterdataUnknownProduct, key: "line:\(line.lineNumber)",
                    summary: "Line \(line.lineNumber): \(line.sku) is inactive in the product master",
                    evidence: [EvidenceItem(label: "product status", expected: "active", actual: "inactive")],
                    moneyAtRisk: line.amount, decidedBy: "rule:masterdata.product_active"))
            }
        }
        return result
    }
}
