import ClearwayCore
import ClearwayIntegration
import ClearwayStore

extension ClearwayEngine {
    /// Re-reads a dead letter under the policy now in force and processes it. On success the
    /// inbox row for the original event is updated, so a later repeat of that event answers
    /// with the cases it touched. If it still cannot be processed it stays pending with the
    /// new reason and one more attempt counted.
    public func replayDeadLetter(_ id: String, by principal: Principal) async throws -> (DeadLetter, IngestOutcome) {
        try authorize(principal, .replayDeadLetters)
        let now = clock.now()
        let policy = self.policy
        // The stored event is decoded, and a customer's text read, before the write turn.
        guard let stored = try await queries.deadLetter(id) else {
            throw EngineError.notFound(what: "dead letter", id: id)
        }
        let reread: IncomingEvent
        if stored.reasonCode == Self.unknownPartner {
            reread = try replayedUnknownSenderEvent(stored, policy: policy)
        } else {
            do {
                reread = try CloudEventCodec.reread(stored.event, policy: policy, receivedAt: stored.receivedAt)
            } catch {
                throw EngineError.conflict("the stored event no longer passes validation")
            }
        }
        let event = readMessages([reread], policy: policy)[0]
        return try await database.transaction { tx in
            guard var letter = try await tx.deadLetter(id) else { throw EngineError.notFound(what: "dead letter", id: id) }
            guard letter.status == "pending" else { throw EngineError.conflict("dead letter \(id) is already \(letter.status)") }
            letter.attempts += 1
            let processor = EventProcessor(engine: self, tx: tx, policy: policy, now: now, trigger: "replay of \(letter.type) \(letter.eventId)",
                                           source: letter.source)
            do {
                let caseIds = try await processor.apply(try event.payload.get())
                letter.status = "replayed"
                letter.resolvedAt = now
                try await tx.updateDeadLetter(letter)
                try await tx.updateInbox(source: letter.source, eventId: letter.eventId, outcome: "accepted", caseIds: caseIds)
                tx.audit(AuditEntry(at: now, actor: principal.auditName, caseId: nil, exceptionId: nil, action: "dead_letter.replayed",
                                    before: "pending", after: "replayed", reason: "\(letter.type) \(letter.eventId) from \(letter.source)",
                                    detail: .object(["deadLetterId": .string(id), "cases": .array(caseIds.map(JSONValue.string))]),
                                    policyVersion: policy.version))
                return (letter, IngestOutcome(source: letter.source, id: letter.eventId, type: letter.type, status: .accepted, caseIds: caseIds, deadLetterId: id, reason: nil))
            } catch let still as UnprocessableEvent {
                letter.reasonCode = still.code
                letter.reason = still.reason
                try await tx.updateDeadLetter(letter)
                return (letter, IngestOutcome(source: letter.source, id: letter.eventId, type: letter.type, status: .deadLettered, caseIds: [], deadLetterId: id, reason: still.reason))
            }
        }
    }
}
