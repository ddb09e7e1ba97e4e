import ClearwayCore
import ClearwayIntegration
import ClearwayStore

/// Purchase orders from a sender not yet configured as a trading partner are not lost: the
/// 997 goes back as usual, each set is kept as a dead letter naming the sender and saying
/// how to add it, and once the partner is in the policy the sets replay into orders.
extension ClearwayEngine {
    static let unknownPartner = "unknown_partner"

    /// What to keep for a set whose sender is unknown: its document, and which set it is.
    static func unknownSenderLetter(document text: String, interchange: X12Interchange, group: String, set: String) -> JSONValue {
        .object(["x12": .string(text), "interchange": .string(interchange.controlNumber), "group": .string(group), "set": .string(set)])
    }

    static func unknownSenderReason(_ qualifier: String, _ id: String, policy: Policy) -> String {
        "\(qualifier):\(id) is not a trading partner in policy \(policy.version): add it under edi.partners "
            + "(\"\(qualifier):\(id)\": {customerId: …}), then replay its documents from Deliveries or POST /v1/dead-letters/{id}/replay"
    }

    /// Keeps the sets of unknown senders: one inbox claim and one dead letter each, so the
    /// same interchange sent again is a duplicate and replay later answers under the same key.
    func keepUnknownSenderSets(_ kept: [(set: Int, source: String, eventId: String, letter: JSONValue, reason: String)],
                               into sets: inout [X12SetOutcome], at now: Instant) async throws {
        guard !kept.isEmpty else { return }
        let ids = kept.map { _ in self.ids.next("DL") }
        let claimed = try await database.transaction { tx in
            let records = kept.map { k in
                (InboxRecord(source: k.source, eventId: k.eventId, type: EventType.orderCreated.rawValue, receivedAt: now, outcome: "dead_lettered",
                             caseIds: []), k.letter.canonicalString())
            }
            let claimed = try await tx.claimInbox(records)
            for (k, id) in zip(kept, ids) where claimed.contains(.init(source: k.source, eventId: k.eventId)) {
                try await tx.insertDeadLetter(DeadLetter(id: id, source: k.source, eventId: k.eventId, type: EventType.orderCreated.rawValue,
                                                         reasonCode: Self.unknownPartner, reason: k.reason, event: k.letter, receivedAt: now,
                                                         status: "pending", attempts: 0, resolvedAt: nil))
                tx.audit(AuditEntry(at: now, actor: "system:edi", caseId: nil, exceptionId: nil, action: "edi.unknown_sender",
                                    after: id, reason: k.reason, policyVersion: self.policy.version))
            }
            return claimed
        }
        for (k, id) in zip(kept, ids) {
            let isNew = claimed.contains(.init(source: k.source, eventId: k.eventId))
            sets[k.set].outcome = isNew ? "dead_lettered" : "duplicate"
            sets[k.set].reason = isNew ? k.reason + " (dead letter \(id))" : "already received; kept until the partner is added"
        }
    }

    /// A kept set read again under the policy now in force: the order event it becomes,
    /// or why it still cannot (the sender is still unknown, or the set no longer maps).
    func replayedUnknownSenderEvent(_ letter: DeadLetter, policy: Policy) throws -> IncomingEvent {
        guard let text = letter.event["x12"]?.stringValue, let ic = letter.event["interchange"]?.stringValue,
              let gc = letter.event["group"]?.stringValue, let sc = letter.event["set"]?.stringValue else {
            throw EngineError.conflict("dead letter \(letter.id) does not hold an X12 set")
        }
        let document: X12Document
        do throws(X12Problem) { document = try X12Parser.parse(text).0 } catch { throw EngineError.conflict("the kept document no longer reads: \(error)") }
        guard let interchange = document.interchanges.first(where: { $0.controlNumber == ic }),
              let group = interchange.groups.first(where: { $0.controlNumber == gc }),
              let set = group.transactions.first(where: { $0.controlNumber == sc }) else {
            throw EngineError.conflict("dead letter \(letter.id): set \(ic)-\(gc)-\(sc) is not in the kept document")
        }
        guard let partner = policy.edi.partner(qualifier: interchange.senderQualifier, id: interchange.sender) else {
            throw EngineError.conflict(Self.unknownSenderReason(interchange.senderQualifier, interchange.sender, policy: policy))
        }
        do throws(X12PurchaseOrder.Refusal) {
            let mapped = try X12PurchaseOrder.map(set, interchange: interchange, group: group, partner: partner)
            return try Self.ediEvent(id: letter.eventId, source: letter.source, type: .orderCreated, data: mapped.data, policy: policy,
                                     now: letter.receivedAt)
        } catch {
            throw EngineError.conflict("the set no longer maps to an order: \(error.description)")
        }
    }

    /// Senders waiting to be added as partners, with how many documents each has kept.
    public func unknownEDISenders(by principal: Principal) async throws -> [(source: String, documents: Int, lastReceived: Instant)] {
        try authorize(principal, .readDeadLetters)
        return try await queries.unknownEDISenders()
    }

    /// Replays every kept document of one sender; returns how many became orders and the
    /// reason the first that could not (the sender still unknown, say).
    public func replayUnknownSender(_ source: String, by principal: Principal) async throws -> (replayed: Int, failed: Int, reason: String?) {
        try authorize(principal, .replayDeadLetters)
        var replayed = 0, failed = 0
        var reason: String?
        for id in try await queries.unknownSenderLetters(source: source) {
            do {
                let (letter, outcome) = try await replayDeadLetter(id, by: principal)
                if letter.status == "replayed" { replayed += 1 } else { failed += 1; reason = reason ?? outcome.reason }
            } catch EngineError.conflict(let why) {
                failed += 1
                reason = reason ?? why
            }
        }
        return (replayed, failed, reason)
    }
}
