import ClearwayCore
import ClearwayEngine
import ClearwayInsights
import Hummingbird

/// Console routes for insights: the KPI and root-cause page, and its tables as CSV.
extension ConsoleRoutes {
    func registerInsights(on router: Router<BasicRequestContext>) {
        router.get("/console/insights") { request, _ in try await page(request) { session, _ in
            let filter = try insightFilter(request)
            let report = try await engine.kpiReport(filter)
            let findings = try await engine.rootCauses(filter)
            return ConsoleHTTP.html(InsightsView.page(report: report, findings: findings, filter: filter, query: insightQuery(request), session: session))
        } }
        router.get("/console/insights/kpis.csv") { request, _ in try await page(request) { _, _ in
            let filter = try insightFilter(request)
            return ConsoleHTTP.csv(InsightsView.kpiCSV(try await engine.kpiReport(filter), filter: filter), filename: "clearway-kpis.csv")
        } }
        router.get("/console/insights/root-causes.csv") { request, _ in try await page(request) { _, _ in
            let filter = try insightFilter(request)
            return ConsoleHTTP.csv(InsightsView.rootCauseCSV(try await engine.rootCauses(filter)), filename: "clearway-root-causes.csv")
        } }
        registerProcessMap(on: router)
        registerImportedLogs(on: router)
    }

    func registerProcessMap(on router: Router<BasicRequestContext>) {
        router.get("/console/insights/process") { request, _ in try await page(request) { session, _ in
            let filter = try insightFilter(request)
            let steps = try await engine.caseTrail(from: Instant(millis: filter.from), to: Instant(millis: filter.to))
            let flat = try CaseTrail.log(steps).flattenedIfAny(on: "exception")
            return ConsoleHTTP.html(ProcessMapView.page(map: ProcessMap(flat), log: flat, handoffs: CaseTrail.handoffs(steps), from: filter.from, to: filter.to,
                                                        query: insightQuery(request), session: session))
        } }
        router.get("/console/insights/process.csv") { request, _ in try await page(request) { _, _ in
            let filter = try insightFilter(request)
            let steps = try await engine.caseTrail(from: Instant(millis: filter.from), to: Instant(millis: filter.to))
            return ConsoleHTTP.csv(ProcessMapView.csv(ProcessMap(try CaseTrail.log(steps).flattenedIfAny(on: "exception"))), filename: "clearway-process.csv")
        } }
    }

    func registerImportedLogs(on router: Router<BasicRequestContext>) {
        router.get("/console/insights/logs") { request, _ in try await page(request) { session, _ in
            ConsoleHTTP.html(ProcessMapView.logsPage(try await engine.queries.eventLogs(), session: session))
        } }
        router.get("/console/insights/logs/:log") { request, context in try await page(request) { session, _ in
            let id = try context.parameters.require("log")
            guard let (stored, log) = try await engine.importedEventLog(id) else { throw ConsoleFailure.notFound("There is no imported event log \(id).") }
            let asked = request.uri.queryParameters["objectType"].map(String.init)
            guard let objectType = asked ?? stored.objectTypes.first, stored.objectTypes.contains(objectType) else {
                throw ConsoleFailure.badRequest("This log has no objects of type \(asked ?? "?"); it has \(stored.objectTypes.joined(separator: ", ")).")
            }
            let flat = try log.flattened(on: objectType)
            return ConsoleHTTP.html(ProcessMapView.importedPage(stored: stored, objectType: objectType, map: ProcessMap(flat), log: flat, session: session))
        } }
        router.get("/console/insights/logs/:log/transitions.csv") { request, context in try await page(request) { _, _ in
            let id = try context.parameters.require("log")
            guard let (stored, log) = try await engine.importedEventLog(id) else { throw ConsoleFailure.notFound("There is no imported event log \(id).") }
            let objectType = request.uri.queryParameters["objectType"].map(String.init) ?? stored.objectTypes.first ?? ""
            guard stored.objectTypes.contains(objectType) else { throw ConsoleFailure.badRequest("This log has no objects of type \(objectType).") }
            return ConsoleHTTP.csv(ProcessMapView.csv(ProcessMap(try log.flattened(on: objectType))), filename: "clearway-log-\(id)-transitions.csv")
        } }
    }

    /// The page's filters from its query; blank fields mean "all".
    func insightFilter(_ request: Request) throws -> FactFilter {
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? {
            q[name[...]].map(String.init).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        }
        do {
            return try InsightPeriod.filter(from: value("from"), to: value("to"), site: value("site"), queue: value("queue"), type: value("type"),
                                            segment: value("segment"), tier: value("tier"), channel: value("channel"), now: engine.clock.now())
        } catch let problem as Problem {
            let details = (problem.errors ?? []).map { "\($0.pointer.replacingOccurrences(of: "/query/", with: "")): \($0.detail)" }
            throw ConsoleFailure.badRequest("Check the filters — " + details.joined(separator: "; "))
        }
    }

    /// The same filters again, for the CSV links.
    func insightQuery(_ request: Request) -> String {
        let names = ["from", "to", "site", "queue", "type", "segment", "tier", "channel"]
        return ConsoleHTTP.query(names.map { n in (n, request.uri.queryParameters[n[...]].map(String.init)) })
    }
}
