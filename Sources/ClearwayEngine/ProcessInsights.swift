import ClearwayCore
import ClearwayInsights
import ClearwayStore

/// Process intelligence over Clearway's own record: the KPIs of a period and the root-cause
/// patterns in it, computed from cases, exceptions, actions and the audit log.
extension ClearwayEngine {
    public func kpiReport(_ filter: FactFilter, settings: KPISettings = .init()) async throws -> KPIReport {
        // Start early enough that recurrence can look back its whole window.
        let lookBack = Instant(millis: filter.from - Int64(settings.recurrenceDays) * 86_400_000)
        let facts = try await queries.exceptionFacts(from: lookBack, to: Instant(millis: filter.to))
        let approvals = try await queries.approvalFacts(from: Instant(millis: filter.from), to: Instant(millis: filter.to))
        return KPIReport.compute(facts, approvals: approvals, filter: filter, settings: settings)
    }

    public func rootCauses(_ filter: FactFilter, settings: RootCauseFinder.Settings = .init()) async throws -> [RootCauseFinder.Finding] {
        let facts = try await queries.exceptionFacts(from: Instant(millis: filter.from), to: Instant(millis: filter.to))
        return RootCauseFinder.find(facts, filter: filter, settings: settings)
    }
}
