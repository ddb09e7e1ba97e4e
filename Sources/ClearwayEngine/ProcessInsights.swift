import ClearwayCore
import ClearwayInsights
import ClearwayStore
import Foundation

/// Process intelligence over Clearway's own record: the KPIs of a period and the root-cause
/// patterns in it, computed from cases, exceptions, actions and the audit log.
extension ClearwayEngine {
    /// The exceptions and approvals a period's figures are computed from, read once. The
    /// facts start early enough that recurrence can look back its whole window.
    func periodFacts(_ filter: FactFilter, settings: KPISettings) async throws -> (facts: [ExceptionFact], approvals: [ApprovalFact]) {
        let lookBack = Instant(millis: filter.from - Int64(settings.recurrenceDays) * 86_400_000)
        return (try await queries.exceptionFacts(from: lookBack, to: Instant(millis: filter.to)),
                try await queries.approvalFacts(from: Instant(millis: filter.from), to: Instant(millis: filter.to)))
    }

    public func kpiReport(_ filter: FactFilter, settings: KPISettings = .init(), by principal: Principal) async throws -> KPIReport {
        try authorize(principal, .readCases)
        let period = try await periodFacts(filter, settings: settings)
        return KPIReport.compute(period.facts, approvals: period.approvals, filter: filter, settings: settings)
    }

    public func rootCauses(_ filter: FactFilter, settings: RootCauseFinder.Settings = .init(),
                           by principal: Principal) async throws -> [RootCauseFinder.Finding] {
        try authorize(principal, .readCases)
        return RootCauseFinder.find(try await periodFacts(filter, settings: .init()).facts, filter: filter, settings: settings)
    }

    /// The KPIs and the root causes of one period from one read (the console's Insights page).
    public func insights(_ filter: FactFilter, by principal: Principal) async throws -> (report: KPIReport, findings: [RootCauseFinder.Finding]) {
        try authorize(principal, .readCases)
        let period = try await periodFacts(filter, settings: .init())
        return (KPIReport.compute(period.facts, approvals: period.approvals, filter: filter), RootCauseFinder.find(period.facts, filter: filter))
    }
}

extension ClearwayEngine {
    /// The audit entries on cases in the period, as the steps of the case event log.
    public func caseTrail(from: Instant, to: Instant, by principal: Principal) async throws -> [CaseTrail.Step] {
        try authorize(principal, .readCases)
        return try await queries.caseTrail(from: from, to: to).compactMap { entry, orderId in
            guard let caseId = entry.caseId else { return nil }
            var step = CaseTrail.Step(seq: entry.seq, at: entry.at.millis, actor: entry.actor, caseId: caseId, exceptionId: entry.exceptionId,
                                      orderId: orderId, action: entry.action, before: entry.before, after: entry.after,
                                      queue: entry.detail?["queue"]?.stringValue)
            if case .number(let paused)? = entry.detail?["pausedMinutes"] { step.pausedMinutes = paused }
            return step
        }
    }
}

extension ClearwayEngine {
    /// Keeps an external event log for analysis in the console, audited as who imported what.
    public func importEventLog(_ log: ObjectCentricLog, name: String, by principal: Principal) async throws -> StoredEventLog {
        let populated = Set(log.objects.map(\.type))
        let stored = StoredEventLog(id: ids.next("LOG"), name: name, importedAt: clock.now(), importedBy: principal.auditName,
                                    events: log.events.count, objects: log.objects.count,
                                    objectTypes: log.objectTypes.enumerated().filter { populated.contains(Int32($0.offset)) }.map(\.element))
        let document = String(decoding: try OCELJSON.write(log), as: UTF8.self)
        let policy = self.policy
        try await database.transaction { tx in
            try await tx.insertEventLog(stored, document: document)
            tx.audit(AuditEntry(at: stored.importedAt, actor: principal.auditName, caseId: nil, exceptionId: nil, action: "event_log.imported",
                                reason: "\(stored.name): \(stored.events) events, \(stored.objects) objects",
                                detail: .object(["logId": .string(stored.id)]), policyVersion: policy.version))
        }
        return stored
    }

    /// An imported log, read back for mining.
    public func importedEventLog(_ id: String, by principal: Principal) async throws -> (StoredEventLog, ObjectCentricLog)? {
        try authorize(principal, .readCases)
        guard let (stored, document) = try await queries.eventLog(id) else { return nil }
        return (stored, try OCELJSON.read(Data(document.utf8)))
    }
}
