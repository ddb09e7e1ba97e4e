import ClearwayIntelligence
import ClearwayStore

extension ResolvedExample {
    /// What a resolved exception teaches: the action the source system completed, or else
    /// the resolution code. Nil for an exception whose cause went away by itself (it
    /// teaches nothing to do).
    public init?(_ r: ResolvedExceptionRow) {
        let step: String
        if let kind = r.appliedActions.first {
            step = "action:\(kind)"
        } else if let code = r.resolutionCode, code != "cause_removed" {
            step = "resolution:\(code)"
        } else {
            return nil
        }
        self.init(type: r.type, customerId: r.customerId, productFamily: r.productFamily, site: r.site, step: step,
                  hours: Double(r.closedAt.millis - r.openedAt.millis) / 3_600_000, gap: r.moneyAtRisk?.doubleValue)
    }
}
