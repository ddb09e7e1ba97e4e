import ClearwayCore
import ClearwayEngine
import ClearwayInsights
import Foundation
import OpenAPIRuntime

/// Process intelligence: the KPI report and root-cause patterns of a period.
extension APIHandlers {
    func getInsightReport(_ input: Operations.getInsightReport.Input) async throws -> Operations.getInsightReport.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let filter = try InsightPeriod.filter(input.query, now: engine.clock.now())
        let r = try await engine.kpiReport(filter, by: principal)
        return .ok(.init(body: .json(.init(
            from: FactFilter.day(filter.from), to: FactFilter.day(filter.to), backlogOpen: r.backlogOpen,
            backlogAging: r.backlogAging.map { .init(label: $0.label, count: $0.count) }, opened: r.opened, resolved: r.resolved,
            cancelled: r.cancelled, cycleTimeP50Hours: r.cycleTimeP50Hours, cycleTimeP90Hours: r.cycleTimeP90Hours,
            firstTouchResolutionRate: r.firstTouchResolutionRate, touchlessRate: r.touchlessRate, manualTouchesPerCase: r.manualTouchesPerCase,
            handoffsPerCase: r.handoffsPerCase, approvalLatencyP50Hours: r.approvalLatencyP50Hours, approvalsRequested: r.approvalsRequested,
            orderReleaseLatencyP50Hours: r.orderReleaseLatencyP50Hours, slaAttainment: r.slaAttainment, slaBreaches: r.slaBreaches,
            recurrenceRate: r.recurrenceRate, reworkRate: r.reworkRate, revenueAtRisk: r.revenueAtRisk, revenueProtected: r.revenueProtected,
            labourHours: r.labourHours))))
    }

    func getRootCauses(_ input: Operations.getRootCauses.Input) async throws -> Operations.getRootCauses.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let filter = try InsightPeriod.filter(input.query, now: engine.clock.now())
        let findings = try await engine.rootCauses(filter, by: principal)
        return .ok(.init(body: .json(findings.map { f in
            .init(_type: f.type, dimension: f.dimension, value: f.value, count: f.count, typeTotal: f.typeTotal, share: f.share,
                  baselineShare: f.baselineShare, lift: f.lift, excess: f.excess, primary: f.primary, alsoIn: f.alsoIn,
                  statement: f.statement, link: f.link)
        })))
    }
}

extension APIHandlers {
    func exportOcel(_ input: Operations.exportOcel.Input) async throws -> Operations.exportOcel.Output {
        let principal = try RequestPrincipal.require(.readCases)
        let filter = try InsightPeriod.filter(from: input.query.from, to: input.query.to, site: nil, queue: nil, type: nil, segment: nil,
                                              tier: nil, channel: nil, now: engine.clock.now())
        let steps = try await engine.caseTrail(from: Instant(millis: filter.from), to: Instant(millis: filter.to), by: principal)
        let document = try JSONDecoder().decode(OpenAPIObjectContainer.self, from: try OCELJSON.write(CaseTrail.log(steps)))
        return .ok(.init(body: .json(.init(additionalProperties: document))))
    }
}

/// The query both insights operations share.
protocol InsightQuery {
    var from: String? { get }
    var to: String? { get }
    var site: String? { get }
    var queue: String? { get }
    var _type: String? { get }
    var segment: String? { get }
    var tier: Components.Schemas.CustomerTier? { get }
    var channel: String? { get }
}

extension Operations.getInsightReport.Input.Query: InsightQuery {}
extension Operations.getRootCauses.Input.Query: InsightQuery {}

/// The period and filters of an insights request, checked field by field.
enum InsightPeriod {
    static func filter(_ q: some InsightQuery, now: Instant) throws -> FactFilter {
        try filter(from: q.from, to: q.to, site: q.site, queue: q.queue, type: q._type, segment: q.segment, tier: q.tier?.rawValue, channel: q.channel, now: now)
    }

    static let defaultDays = 30

    static func filter(from: String?, to: String?, site: String?, queue: String?, type: String?, segment: String?, tier: String?,
                       channel: String?, now: Instant) throws -> FactFilter {
        switch FactFilter.period(from: from, to: to, days: defaultDays, now: now.millis, site: site, queue: queue, type: type,
                                 segment: segment, tier: tier, channel: channel) {
        case .success(let filter): return filter
        case .failure(let p): throw Problem.invalid(p.list.map { FieldProblem(pointer: "/query/\($0.field)", detail: $0.detail) })
        }
    }

}
