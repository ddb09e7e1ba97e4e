import ClearwayCore
import ClearwayIntegration

extension ClearwayEngine {
    /// Takes an EDIFACT interchange through the idempotent pipeline: each ORDERS message
    /// from a configured partner becomes a `clearway.order.created.v1` event (source
    /// `edifact:<qualifier>:<sender>`, id `<UNB control reference>-<UNH reference>`).
    /// Other message types are read and reported, not processed.
    public func ingestEdifact(_ text: String, actor: String) async throws -> [X12SetOutcome] {
        let policy = self.policy, now = clock.now()
        let interchanges: [EdifactInterchange]
        let problems: [X12Problem]
        do throws(X12Problem) { (interchanges, problems) = try EdifactParser.parse(text) } catch {
            throw EngineError.invalid(field: "/", detail: "the document is not readable EDIFACT: \(error.description)")
        }
        var outcomes: [X12SetOutcome] = []
        var events: [(Int, IncomingEvent)] = []
        for interchange in interchanges {
            let partner = policy.edi.partner(qualifier: interchange.senderQualifier, id: interchange.sender)
            for m in interchange.messages {
                var outcome = X12SetOutcome(interchange: interchange.controlReference, group: "", code: m.type, controlNumber: m.reference,
                                            purchaseOrder: nil, outcome: "received", caseIds: [], reason: nil)
                let end = m.position + m.body.count + 1
                if let first = problems.first(where: { $0.position >= m.position && $0.position <= end }) {
                    outcome.outcome = "rejected"
                    outcome.reason = first.description
                } else if m.type == "ORDERS" {
                    do throws(X12PurchaseOrder.Refusal) {
                        guard let partner else {
                            throw X12PurchaseOrder.Refusal(description: "\(interchange.senderQualifier):\(interchange.sender) is not a trading partner in policy \(policy.version) (add it under edi.partners)")
                        }
                        let mapped = try EdifactOrders.map(m, interchange: interchange, partner: partner)
                        outcome.purchaseOrder = mapped.poNumber
                        events.append((outcomes.count, try Self.ediEvent(id: "\(interchange.controlReference)-\(m.reference)",
                                                                        source: "edifact:\(interchange.senderQualifier):\(interchange.sender)",
                                                                        type: .orderCreated, data: mapped.data, policy: policy, now: now)))
                    } catch {
                        outcome.outcome = "rejected"
                        outcome.reason = error.description
                    }
                } else {
                    outcome.reason = "message \(m.type) is read; Clearway takes no action on it"
                }
                outcomes.append(outcome)
            }
        }
        try await ingestEDIEvents(events, into: &outcomes, actor: actor)
        return outcomes
    }
}
