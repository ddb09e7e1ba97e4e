/// Accounts on hold or past due, and orders that would push exposure past the limit.
enum CreditDetector {
    static func findings(order: Order, context: ReferenceContext, settings: DetectionSettings) -> [Finding] {
        guard let customer = context.customer, order.status != .released else { return [] }
        if customer.creditStanding != .good {
            let standing = customer.creditStanding == .hold ? "on credit hold" : "past due"
            return [Finding(
                type: .creditAccountHold, key: "account",
                summary: "Account \(customer.id) is \(standing)",
                evidence: [EvidenceItem(label: "credit standing", expected: CreditStanding.good.rawValue, actual: customer.creditStanding.rawValue)],
                moneyAtRisk: order.total, decidedBy: "rule:credit.standing")]
        }
        let exposure = customer.creditExposure + context.otherOpenOrderValue + order.total
        let ceiling = customer.creditLimit * (1 + settings.creditTolerancePercent / 100)
        if exposure > ceiling {
            return [Finding(
                type: .creditLimitExceeded, key: "account",
                summary: "Order takes exposure to \(exposure) against a limit of \(customer.creditLimit)",
                evidence: [
                    EvidenceItem(label: "exposure after order", expected: "≤ \(ceiling)", actual: exposure.description),
                    EvidenceItem(label: "reported exposure", actual: customer.creditExposure.description),
                    EvidenceItem(label: "other open orders", actual: context.otherOpenOrderValue.description),
                    EvidenceItem(label: "this order", actual: order.total.description),
                ],
                moneyAtRisk: exposure - customer.creditLimit, decidedBy: "rule:credit.limit")]
        }
        return []
    }
}
