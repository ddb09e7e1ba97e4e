import ClearwayCore
import ClearwayEngine
import ClearwayInsights
import Foundation
import Hummingbird

/// Console routes for insights: the KPI and root-cause page, and its tables as CSV.
extension ConsoleRoutes {
    func registerInsights(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/insights", .permission(.readCases)) { request, _, session, _ in
            let filter = try insightFilter(request)
            let (report, findings) = try await engine.insights(filter, by: session.user.principal)
            return ConsoleHTTP.html(InsightsView.page(report: report, findings: findings, filter: filter, query: insightQuery(request), session: session))
        }
        route(router, .get, "/console/insights/kpis.csv", .permission(.readCases)) { request, _, session, _ in
            let filter = try insightFilter(request)
            return ConsoleHTTP.csv(InsightsView.kpiCSV(try await engine.kpiReport(filter, by: session.user.principal), filter: filter), filename: "clearway-kpis.csv")
        }
        route(router, .get, "/console/insights/root-causes.csv", .permission(.readCases)) { request, _, session, _ in
            let filter = try insightFilter(request)
            return ConsoleHTTP.csv(InsightsView.rootCauseCSV(try await engine.rootCauses(filter, by: session.user.principal)), filename: "clearway-root-causes.csv")
        }
        registerProcessMap(on: router)
        registerImportedLogs(on: router)
        registerBacktest(on: router)
    }

    func registerProcessMap(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/insights/process", .permission(.readCases)) { request, _, session, _ in
            let filter = try insightFilter(request)
            let steps = try await engine.caseTrail(from: Instant(millis: filter.from), to: Instant(millis: filter.to), by: session.user.principal)
            let flat = try CaseTrail.log(steps).flattenedIfAny(on: "exception")
            return ConsoleHTTP.html(ProcessMapView.page(map: ProcessMap(flat), log: flat, handoffs: CaseTrail.handoffs(steps), from: filter.from, to: filter.to,
                                                        query: insightQuery(request), session: session))
        }
        route(router, .get, "/console/insights/process.csv", .permission(.readCases)) { request, _, session, _ in
            let filter = try insightFilter(request)
            let steps = try await engine.caseTrail(from: Instant(millis: filter.from), to: Instant(millis: filter.to), by: session.user.principal)
            return ConsoleHTTP.csv(ProcessMapView.csv(ProcessMap(try CaseTrail.log(steps).flattenedIfAny(on: "exception"))), filename: "clearway-process.csv")
        }
    }

    func registerImportedLogs(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/insights/logs", .permission(.readCases)) { request, _, session, _ in
            ConsoleHTTP.html(ProcessMapView.logsPage(try await engine.eventLogs(by: session.user.principal), session: session))
        }
        route(router, .get, "/console/insights/logs/:log", .permission(.readCases)) { request, context, session, _ in
            let id = try context.parameters.require("log")
            guard let (stored, log) = try await engine.importedEventLog(id, by: session.user.principal) else { throw ConsoleFailure.notFound("There is no imported event log \(id).") }
            let asked = request.uri.queryParameters["objectType"].map(String.init)
            guard let objectType = asked ?? stored.objectTypes.first, stored.objectTypes.contains(objectType) else {
                throw ConsoleFailure.badRequest("This log has no objects of type \(asked ?? "?"); it has \(stored.objectTypes.joined(separator: ", ")).")
            }
            let flat = try log.flattened(on: objectType)
            return ConsoleHTTP.html(ProcessMapView.importedPage(stored: stored, objectType: objectType, map: ProcessMap(flat), log: flat, session: session))
        }
        route(router, .get, "/console/insights/logs/:log/transitions.csv", .permission(.readCases)) { request, context, session, _ in
            let id = try context.parameters.require("log")
            guard let (stored, log) = try await engine.importedEventLog(id, by: session.user.principal) else { throw ConsoleFailure.notFound("There is no imported event log \(id).") }
            let objectType = request.uri.queryParameters["objectType"].map(String.init) ?? stored.objectTypes.first ?? ""
            guard stored.objectTypes.contains(objectType) else { throw ConsoleFailure.badRequest("This log has no objects of type \(objectType).") }
            return ConsoleHTTP.csv(ProcessMapView.csv(ProcessMap(try log.flattened(on: objectType))), filename: "clearway-log-\(id)-transitions.csv")
        }
    }

    func registerBacktest(on router: Router<ClearwayRequestContext>) {
        route(router, .get, "/console/insights/backtest", .permission(.overridePolicy)) { request, _, session, _ in
            let text = DefaultPolicy.url.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
            let end = engine.clock.now().millis / 86_400_000 + 1
            let body = BacktestView.form(policyText: text, from: LocalDate(dayNumber: Int(end) - 30).description, to: LocalDate(dayNumber: Int(end)).description, session: session)
            return ConsoleHTTP.html(Layout.page(title: "Policy backtest", session: session, body: body))
        }
        route(router, .post, "/console/insights/backtest", .permission(.overridePolicy)) { request, _, session, form in
            let text = form["policy"]?.first ?? "", from = form["from"]?.first ?? "", to = form["to"]?.first ?? ""
            let filter = try consoleFilter(from: from, to: to)
            let candidate: Policy
            do { candidate = try PolicyParser.parse(text) } catch let rejected as PolicyRejected {
                let problems = rejected.issues.map { "line \($0.line), column \($0.column): \($0.message)" }
                return ConsoleHTTP.html(Layout.page(title: "Policy backtest", session: session,
                                                    body: BacktestView.form(policyText: text, from: from, to: to, session: session, problems: problems)),
                                        status: .badRequest)
            }
            let report: PolicyBacktest.Report
            do {
                report = try await engine.backtests.run { try await PolicyBacktest(engine: engine, logger: logger).run(candidate: candidate, filter: filter) }
            } catch EngineError.saturated {
                throw ConsoleFailure.badRequest("A backtest is already running on this server; try again when it has finished.")
            }
            let body: HTML = "\(BacktestView.result(report))\(BacktestView.form(policyText: text, from: from, to: to, session: session))"
            return ConsoleHTTP.html(Layout.page(title: "Policy backtest", session: session, body: body))
        }
    }

    /// The page's filters from its query; blank fields mean "all".
    func insightFilter(_ request: Request) throws -> FactFilter {
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? {
            q[name[...]].map(String.init).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        }
        return try consoleFilter(from: value("from"), to: value("to"), site: value("site"), queue: value("queue"), type: value("type"),
                                 segment: value("segment"), tier: value("tier"), channel: value("channel"))
    }

    /// A console form's period and filters; problems come back as one readable line.
    func consoleFilter(from: String?, to: String?, site: String? = nil, queue: String? = nil, type: String? = nil,
                       segment: String? = nil, tier: String? = nil, channel: String? = nil) throws -> FactFilter {
        switch FactFilter.period(from: from, to: to, days: InsightPeriod.defaultDays, now: engine.clock.now().millis, site: site, queue: queue,
                                 type: type, segment: segment, tier: tier, channel: channel) {
        case .success(let filter): return filter
        case .failure(let p): throw ConsoleFailure.badRequest("Check the filters — " + p.list.map { "\($0.field): \($0.detail)" }.joined(separator: "; "))
        }
    }

    /// The same filters again, for the CSV links.
    func insightQuery(_ request: Request) -> String {
        let names = ["from", "to", "site", "queue", "type", "segment", "tier", "channel"]
        return ConsoleHTTP.query(names.map { n in (n, request.uri.queryParameters[n[...]].map(String.init)) })
    }
}
