import ClearwayCore
import ClearwayIntegration
import ClearwayStore
import Foundation

extension ClearwayEngine {
    /// In the same transaction as the orders: remembers what an 855 will need for each new
    /// order that came by EDI, and acknowledges at once those the partner wants answered
    /// immediately and those with nothing to resolve.
    func rememberEDIOrders(_ events: [IncomingEvent], outcomes: [IngestOutcome?], tx: StoreTransaction, policy: Policy, now: Instant) async throws {
        for (event, outcome) in zip(events, outcomes) {
            guard let outcome, outcome.status == .accepted, event.type == .orderCreated, let edi = event.raw["data"]?["edi"],
                  let orderId = event.raw["data"]?["orderId"]?.stringValue,
                  let context = try? JSONDecoder().decode(EDIOrderContext.self, from: edi.canonicalData()) else { continue }
            try await tx.recordEDIOrder(orderId: orderId, context: context, at: now)
            if context.acknowledgeImmediately || outcome.caseIds.isEmpty {
                try await PurchaseOrderAcknowledgment.acknowledge(orderId: orderId, caseId: outcome.caseIds.first, tx: tx, policy: policy, now: now)
            }
        }
    }
}
