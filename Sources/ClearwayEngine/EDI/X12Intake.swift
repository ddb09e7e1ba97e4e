import ClearwayCore
import ClearwayIntegration

/// What happened to one transaction set of a received X12 document.
public struct X12SetOutcome: Sendable, Hashable {
    public var interchange: String
    public var group: String
    public var code: String
    public var controlNumber: String
    public var purchaseOrder: String?
    /// accepted, duplicate, dead_lettered, rejected, or received (read, nothing to process).
    public var outcome: String
    public var caseIds: [String]
    public var reason: String?
}

public struct X12IntakeResult: Sendable {
    public var sets: [X12SetOutcome]
    /// The 997 for every functional group received, as X12 text.
    public var acknowledgment: String

    public init(sets: [X12SetOutcome], acknowledgment: String) { self.sets = sets; self.acknowledgment = acknowledgment }
}

extension ClearwayEngine {
    /// Takes an X12 document through the same idempotent pipeline as events: each 850
    /// becomes a `clearway.order.created.v1` event whose source is the sender's interchange
    /// id and whose id is interchange–group–set control numbers, so sending the same
    /// interchange again answers `duplicate` and changes nothing. Every functional group
    /// gets its 997.
    public func ingestX12(_ text: String, actor: String) async throws -> X12IntakeResult {
        let policy = self.policy, now = clock.now()
        let document: X12Document
        let syntax: [X12Problem]
        do throws(X12Problem) { (document, syntax) = try X12Parser.parse(text) } catch {
            throw EngineError.invalid(field: "/", detail: "the document is not readable X12: \(error.description)")
        }
        let problems = syntax + X12Parser.unsupported(document)
        var sets: [X12SetOutcome] = []
        var events: [(Int, IncomingEvent)] = []
        var kept: [(set: Int, source: String, eventId: String, letter: JSONValue, reason: String)] = []
        for interchange in document.interchanges {
            let source = "edi:\(interchange.senderQualifier):\(interchange.sender)"
            let partner = policy.edi.partner(qualifier: interchange.senderQualifier, id: interchange.sender)
            for group in interchange.groups {
                for t in group.transactions {
                    var set = X12SetOutcome(interchange: interchange.controlNumber, group: group.controlNumber, code: t.code, controlNumber: t.controlNumber,
                                            purchaseOrder: nil, outcome: "received", caseIds: [], reason: nil)
                    let end = t.position + t.body.count + 1
                    if let first = problems.first(where: { $0.position >= t.position && $0.position <= end })
                        ?? problems.first(where: { $0.level == .group && $0.position == group.gs.position }) {
                        set.outcome = "rejected"
                        set.reason = first.description
                    } else if t.code == "850", partner == nil {
                        kept.append((sets.count, source, "\(interchange.controlNumber)-\(group.controlNumber)-\(t.controlNumber)",
                                     Self.unknownSenderLetter(document: text, interchange: interchange, group: group.controlNumber, set: t.controlNumber),
                                     Self.unknownSenderReason(interchange.senderQualifier, interchange.sender, policy: policy)))
                    } else if t.code == "850", let partner {
                        do throws(X12PurchaseOrder.Refusal) {
                            let mapped = try X12PurchaseOrder.map(t, interchange: interchange, group: group, partner: partner)
                            set.purchaseOrder = mapped.poNumber
                            events.append((sets.count, try Self.ediEvent(id: "\(interchange.controlNumber)-\(group.controlNumber)-\(t.controlNumber)",
                                                                       source: source, type: .orderCreated, data: mapped.data, policy: policy, now: now)))
                        } catch {
                            set.outcome = "rejected"
                            set.reason = error.description
                        }
                    } else if t.code == "856" {
                        let found: [X12ShipNotice.Milestone]
                        do throws(X12PurchaseOrder.Refusal) { found = try X12ShipNotice.milestones(t, receivedAt: now) } catch {
                            set.outcome = "rejected"
                            set.reason = error.description
                            found = []
                        }
                        set.purchaseOrder = found.first?.purchaseOrder
                        for (n, m) in found.enumerated() {
                            let orderId = try await queries.ediOrderId(purchaseOrder: m.purchaseOrder)
                                ?? partner.map { "\($0.customerId)-\(m.purchaseOrder)" } ?? m.purchaseOrder
                            var data: [String: JSONValue] = [
                                "orderId": .string(orderId), "shipmentId": .string(m.shipmentId), "carrier": .string(m.carrier),
                                "status": .string("in_transit"), "occurredAt": .string(m.shippedAt.iso8601),
                            ]
                            if let eta = m.estimatedDelivery { data["estimatedDelivery"] = .string(eta.description) }
                            do throws(X12PurchaseOrder.Refusal) {
                                events.append((sets.count, try Self.ediEvent(id: "\(interchange.controlNumber)-\(group.controlNumber)-\(t.controlNumber)-\(n + 1)",
                                                                           source: source, type: .shipmentMilestone, data: data, policy: policy, now: now)))
                            } catch {
                                set.outcome = "rejected"
                                set.reason = error.description
                            }
                        }
                    } else {
                        set.reason = "transaction set \(t.code) is acknowledged; Clearway takes no action on it"
                    }
                    sets.append(set)
                }
            }
        }
        try await ingestEDIEvents(events, into: &sets, actor: actor)
        try await keepUnknownSenderSets(kept, into: &sets, at: now)
        return X12IntakeResult(sets: sets, acknowledgment: acknowledgment(for: document, problems: problems, at: now, policy: policy))
    }

    /// One 997 interchange back to each sender, one acknowledgment per received group.
    func acknowledgment(for document: X12Document, problems: [X12Problem], at now: Instant, policy: Policy) -> String {
        let ours = policy.edi.interchangeId.split(separator: ":", maxSplits: 1).map(String.init)
        let us = X12Writer.Party(qualifier: ours.first ?? "ZZ", id: ours.last ?? "CLEARWAY")
        return document.interchanges.map { interchange in
            let them = X12Writer.Party(qualifier: interchange.senderQualifier, id: interchange.sender, application: interchange.groups.first?.sender)
            let sets = interchange.groups.map { X12Writer.Set(code: "997", body: FunctionalAcknowledgment.body(for: $0, problems: problems).0) }
            // The 997's control number echoes the one it answers, so a repeat gets the same 997.
            return X12Writer(delimiters: interchange.delimiters).interchange(
                from: us, to: them, at: now, controlNumber: Int(interchange.controlNumber) ?? 1, functionalId: "FA",
                version: interchange.groups.first.map { String($0.version.prefix(6)) } ?? "004010", sets: sets)
        }.joined()
    }
}
