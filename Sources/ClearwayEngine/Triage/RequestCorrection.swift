import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// The request types a person may choose: the serving model's labels, the rules' types
    /// and any the policy routes.
    public var knownRequestTypes: [String] {
        Array(Set((messageReader.serving?.classifier.labels ?? []) + CustomerRequestRule.requestTypes + policy.triage.requestQueues.keys)).sorted()
    }

    /// A person corrects how a customer's message was read: the request takes the new
    /// type and its queue, the reading records who corrected it and why, and the message
    /// with its right label is kept as an example for the next training.
    public func correctRequestType(caseId: String, exceptionId: String, requestType: String, reason: String?,
                                   by principal: Principal) async throws -> (CaseRecord, ExceptionRecord) {
        guard principal.role.allows(.workExceptions) else { throw EngineError.forbidden("role \(principal.role.rawValue) cannot work exceptions") }
        let known = knownRequestTypes
        guard TriageSettings.isRequestTypeName(requestType), known.contains(requestType) else {
            throw EngineError.invalid(field: "/requestType", detail: "must be one of \(known.joined(separator: ", "))")
        }
        let policy = self.policy, now = clock.now(), ids = self.ids
        let note = reason?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)
        return try await database.transaction { tx in
            guard let caseRecord = try await tx.caseRecord(caseId) else { throw EngineError.notFound(what: "case", id: caseId) }
            guard var record = try await tx.exception(exceptionId), record.caseId == caseId else { throw EngineError.notFound(what: "exception", id: exceptionId) }
            guard record.type == .customerRequest, record.finding.key.hasPrefix("message:"),
                  var message = try await tx.message(String(record.finding.key.dropFirst("message:".count))) else {
                throw EngineError.conflict("exception \(exceptionId) is not a customer's message; only those have a request type")
            }
            guard !record.lifecycle.state.isClosed else { throw EngineError.conflict("exception \(exceptionId) is \(record.lifecycle.state.rawValue); only open requests are corrected") }
            let previous = message.triage?.requestType ?? CustomerRequestRule.classify(message.text).requestType
            guard previous != requestType else { throw EngineError.conflict("the request is already read as \(requestType)") }
            let queue = policy.triage.queue(for: requestType, defaultQueue: policy.global.rule(for: .customerRequest).queue)
            var triage = message.triage ?? MessageTriage(requestType: previous, decidedBy: .rules, confidence: nil, modelVersion: nil, note: nil,
                                                         queue: record.queue, details: MessageDetails())
            triage.requestType = requestType
            triage.decidedBy = .person
            triage.queue = queue
            triage.note = "corrected from \(previous) by \(principal.name)\(note.map { $0.isEmpty ? "" : ": \($0)" } ?? "")"
            message.triage = triage
            try await tx.updateMessage(message)
            let total = try await caseRecord.orderId.asyncMap { try await tx.order($0)?.total } ?? nil
            let before = record.queue
            record.finding = CustomerRequestRule.finding(message: message, orderId: caseRecord.orderId, orderTotal: total ?? .zero)
            record.queue = queue
            record.updatedAt = now
            try await tx.updateException(record)
            try await tx.insertTrainingExample(kind: MessageReader.kind, TrainingExample(
                id: ids.next("EX"), text: message.text, label: requestType, previousLabel: previous, sourceId: message.messageId,
                addedBy: principal.auditName, addedAt: now))
            tx.audit(AuditEntry(at: now, actor: principal.auditName, caseId: caseId, exceptionId: exceptionId, action: "exception.reclassified",
                                before: previous, after: requestType, reason: note.map(String.init),
                                detail: .object(["queueBefore": .string(before), "queue": .string(queue)]), policyVersion: policy.version))
            return (caseRecord, record)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension ClearwayEngine {
    /// People's corrections as labelled examples, with the customer's segment and the
    /// order's site, for the next training (and its per-segment and per-site accuracy).
    public func correctionExamples() async throws -> [(text: String, label: String, segment: String, site: String)] {
        let examples = try await queries.trainingExamples(kind: MessageReader.kind)
        return try await database.transaction { tx in
            var out: [(text: String, label: String, segment: String, site: String)] = []
            for e in examples {
                let message = try await e.sourceId.asyncMap { try await tx.message($0) } ?? nil
                let customer = try await message.asyncMap { try await tx.customer($0.customerId) } ?? nil
                let order = try await message?.orderId.asyncMap { try await tx.order($0) } ?? nil
                out.append((e.text, e.label, customer?.segment ?? "(not given)", order?.site ?? "(not given)"))
            }
            return out
        }
    }
}
