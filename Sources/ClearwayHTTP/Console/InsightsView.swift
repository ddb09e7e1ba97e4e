import ClearwayCore
import ClearwayInsights
import Foundation

/// The insights page: a period's KPIs with the filters a leader slices by, the backlog's
/// age as a chart, and the root-cause findings in plain words; each table downloads as CSV.
enum InsightsView {
    /// The KPI rows as (label, JSON key, value text), in reading order.
    static func rows(_ r: KPIReport) -> [(label: String, key: String, value: String)] {
        let pct = Format.percent
        func h(_ v: Double) -> String { String(format: "%.1f h", v) }
        func money(_ v: Double) -> String { String(format: "$%.0f", v) }
        return [
            ("Open backlog at the end", "backlogOpen", "\(r.backlogOpen)"), ("Opened", "opened", "\(r.opened)"),
            ("Resolved", "resolved", "\(r.resolved)"), ("Cancelled", "cancelled", "\(r.cancelled)"),
            ("Cycle time, median", "cycleTimeP50Hours", h(r.cycleTimeP50Hours)), ("Cycle time, 90th percentile", "cycleTimeP90Hours", h(r.cycleTimeP90Hours)),
            ("Touchless resolution", "touchlessRate", pct(r.touchlessRate)), ("First-touch resolution", "firstTouchResolutionRate", pct(r.firstTouchResolutionRate)),
            ("Manual touches per case", "manualTouchesPerCase", String(format: "%.2f", r.manualTouchesPerCase)),
            ("Handoffs per case", "handoffsPerCase", String(format: "%.2f", r.handoffsPerCase)),
            ("Approvals asked", "approvalsRequested", "\(r.approvalsRequested)"), ("Approval latency, median", "approvalLatencyP50Hours", h(r.approvalLatencyP50Hours)),
            ("Order release latency, median", "orderReleaseLatencyP50Hours", h(r.orderReleaseLatencyP50Hours)),
            ("SLA attainment", "slaAttainment", pct(r.slaAttainment)), ("SLA breaches", "slaBreaches", "\(r.slaBreaches)"),
            ("Recurrence", "recurrenceRate", pct(r.recurrenceRate)), ("Rework (reopened)", "reworkRate", pct(r.reworkRate)),
            ("Revenue at risk (backlog)", "revenueAtRisk", money(r.revenueAtRisk)), ("Revenue protected (resolved)", "revenueProtected", money(r.revenueProtected)),
            ("Labour hours (estimate)", "labourHours", String(format: "%.1f", r.labourHours)),
        ]
    }

    static func page(report: KPIReport, findings: [RootCauseFinder.Finding], filter: FactFilter, query: String, session: ConsoleSession) -> HTML {
        let day = FactFilter.day
        func field(_ name: String, _ label: String, _ value: String?) -> HTML {
            "<label>\(label) <input name=\"\(name)\" value=\"\(value ?? "")\" size=\"12\"></label> "
        }
        let form: HTML = """
        <form method="get" action="/console/insights" class="filters">\(field("from", "From", day(filter.from)))\(field("to", "To (day after)", day(filter.to)))\
        \(field("site", "Site", filter.site))\(field("queue", "Queue", filter.queue))\(field("type", "Type", filter.type))\
        \(field("segment", "Segment", filter.segment))\(field("tier", "Tier", filter.tier))\(field("channel", "Channel", filter.channel))\
        <button type="submit">Show</button></form>
        """
        let table: HTML = """
        <table><caption>KPIs, \(day(filter.from)) to \(day(filter.to)) (definitions in docs/KPIS.md) · <a href="/console/insights/kpis.csv\(query)">CSV</a></caption>
        <thead><tr><th scope="col">KPI</th><th scope="col">Value</th></tr></thead>
        <tbody>\(rows(report).map { r -> HTML in "<tr><td>\(r.label)</td><td data-kpi=\"\(r.key)\">\(r.value)</td></tr>" })</tbody></table>
        """
        let aging = Charts.columns(title: "Open backlog by age at the end of the period", bars: report.backlogAging.map { ($0.label, $0.count) })
        let causes: HTML = findings.isEmpty
            ? "<p>No exception type concentrates far above its baseline in this period.</p>"
            : "<ol class=\"findings\">\(findings.map { f -> HTML in "<li data-finding=\"\(f.type) \(f.dimension)=\(f.value)\">\(f.primary ? "" : "(also) " as HTML)\(f.statement) <a href=\"\(consoleLink(f))\">Cases</a></li>" })</ol>"
        let body: HTML = """
        \(form)<p><a href="/console/insights/process\(query)">Process map of how exceptions were handled</a>\
        \(session.user.role.allows(.overridePolicy) ? " · <a href=\"/console/insights/backtest\">Try a changed policy on this history (backtest)</a>" as HTML : "")</p><div class="grid"><section class="card">\(table)</section><section class="card"><h2>Open backlog by age at the end of the period</h2>\(aging)</section></div>
        <h2>Root causes <a href="/console/insights/root-causes.csv\(query)">CSV</a></h2>\(causes)
        """
        return Layout.page(title: "Insights", session: session, body: body)
    }

    /// The console's case list for a finding (filters the list supports; the rest are in the text).
    static func consoleLink(_ f: RootCauseFinder.Finding) -> String {
        var items: [(String, String?)] = [("type", f.type)]
        if f.dimension == "site" { items.append(("site", f.value)) }
        if f.dimension == "tier" { items.append(("tier", f.value)) }
        let queue = ExceptionType(rawValue: f.type)?.defaultQueue ?? "pricing"
        return "/console/queues/\(queue)" + ConsoleHTTP.query(items)
    }

    static func kpiCSV(_ r: KPIReport, filter: FactFilter) -> String {
        CSVText.table(header: ["kpi", "value"], rows: [["from", FactFilter.day(filter.from)],
                                                       ["to", FactFilter.day(filter.to)]]
            + rows(r).map { [$0.key, $0.value] } + r.backlogAging.map { ["backlogAging \($0.label)", "\($0.count)"] })
    }

    static func rootCauseCSV(_ findings: [RootCauseFinder.Finding]) -> String {
        CSVText.table(header: ["type", "dimension", "value", "count", "typeTotal", "share", "baselineShare", "lift", "excess", "leading", "statement"],
                      rows: findings.map { f in
                          [f.type, f.dimension, f.value, "\(f.count)", "\(f.typeTotal)", String(format: "%.4f", f.share), String(format: "%.4f", f.baselineShare),
                           String(format: "%.2f", f.lift), String(format: "%.1f", f.excess), f.primary ? "yes" : "no", f.statement]
                      })
    }
}

