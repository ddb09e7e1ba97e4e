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

extension ClearwayEngine {
    /// An event as if a source system had sent it, decoded through the same contract checks
    /// as `POST /v1/events`; a breach of the contract is a refusal of the EDI document.
    static func ediEvent(id: String, source: String, type: EventType, data: [String: JSONValue], policy: Policy,
                         now: Instant) throws(X12PurchaseOrder.Refusal) -> IncomingEvent {
        let raw: JSONValue = .object([
            "specversion": .string("1.0"), "id": .string(id), "source": .string(source), "type": .string(type.rawValue),
            "time": .string(now.iso8601), "datacontenttype": .string("application/json"), "data": .object(data),
        ])
        do { return try CloudEventCodec.reread(raw, policy: policy, receivedAt: now) } catch {
            throw X12PurchaseOrder.Refusal(description: "the document breaks the event contract for \(type.rawValue): \(error)")
        }
    }
}

extension ClearwayEngine {
    /// Ingests the events EDI documents became and writes each outcome onto its set. A set
    /// that became several events (a ship notice for several orders) reports the worst
    /// outcome and every case touched.
    func ingestEDIEvents(_ events: [(set: Int, event: IncomingEvent)], into sets: inout [X12SetOutcome], actor: String) async throws {
        guard !events.isEmpty else { return }
        let outcomes = try await ingest(events.map(\.event), actor: actor)
        var seen = Set<Int>()
        for ((index, _), outcome) in zip(events, outcomes) {
            let first = seen.insert(index).inserted
            if first || outcome.status == .deadLettered {
                sets[index].outcome = outcome.status.rawValue
                sets[index].reason = outcome.reason
            }
            sets[index].caseIds = first ? outcome.caseIds : Array(Set(sets[index].caseIds + outcome.caseIds)).sorted()
        }
    }
}
