import ClearwayCore
import ClearwayStore

/// The headline KPIs of `GET /v1/insights/kpis`, each computed from stored state:
/// - `backlogOpen`: cases not closed.
/// - `touchlessRate`: resolved exceptions closed with no human step (the cause went away,
///   or a touchless rule's action cleared it) ÷ all resolved.
/// - `firstTouchResolutionRate`: resolved cases with at most one human step on their
///   exceptions ÷ all resolved cases.
/// - `slaAttainment`: resolved exceptions closed at or before their SLA due time ÷ all resolved.
/// Rates are 0 when there is nothing to divide by.
public struct HeadlineKPIs: Sendable, Hashable {
    public var backlogOpen = 0, exceptionsOpen = 0, atRiskOpen = 0, breachedOpen = 0, resolvedExceptions = 0
    public var touchlessRate = 0.0, firstTouchResolutionRate = 0.0, slaAttainment = 0.0
    public var touchlessResolved = 0, actionsPendingApproval = 0, actionsDeadLettered = 0
}

extension ClearwayEngine {
    public func headlineKPIs(by principal: Principal) async throws -> HeadlineKPIs {
        try authorize(principal, .readCases)
        let c = try await queries.kpiCounts()
        func rate(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : (Double(a) / Double(b) * 10_000).rounded() / 10_000 }
        var k = HeadlineKPIs()
        k.backlogOpen = c.backlogOpen
        k.exceptionsOpen = c.exceptionsOpen
        k.atRiskOpen = c.atRiskOpen
        k.breachedOpen = c.breachedOpen
        k.resolvedExceptions = c.resolvedExceptions
        k.touchlessResolved = c.resolvedAutomatically
        k.actionsPendingApproval = c.actionsPendingApproval
        k.actionsDeadLettered = c.actionsDeadLettered
        k.touchlessRate = rate(c.resolvedAutomatically, c.resolvedExceptions)
        k.slaAttainment = rate(c.resolvedOnTime, c.resolvedExceptions)
        k.firstTouchResolutionRate = rate(c.resolvedCasesFirstTouch, c.resolvedCases)
        return k
    }
}
