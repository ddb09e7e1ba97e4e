import ClearwayCore
import ClearwayEngine

/// The backlog overview: headline tiles, open work per queue by SLA state, age buckets and
/// the daily flow. The live part is re-rendered and pushed by server-sent events.
enum OverviewView {
    static func page(session: ConsoleSession, live: HTML, warning: HTML = "") -> HTML {
        Layout.page(title: "Backlog overview", session: session, body: """
            \(warning)<p class="muted">Updates live as events arrive. <span id="live-status" role="status"></span></p>
            <div id="live" aria-live="polite">\(live)</div>
            """, script: "<script src=\"/console/live.js\"></script>")
    }

    static func live(kpis: HeadlineKPIs, queues: [QueueStats], overview: BacklogOverview, now: Instant) -> HTML {
        let tiles: [(String, String)] = [
            ("Open cases", "\(kpis.backlogOpen)"), ("Open exceptions", "\(kpis.exceptionsOpen)"),
            ("SLA at risk", "\(kpis.atRiskOpen)"), ("SLA breached", "\(kpis.breachedOpen)"),
            ("Touchless rate", Format.percent(kpis.touchlessRate)), ("SLA attainment", Format.percent(kpis.slaAttainment)),
            ("Awaiting approval", "\(kpis.actionsPendingApproval)"), ("Undelivered actions", "\(kpis.actionsDeadLettered)"),
        ]
        let byQueue = Dictionary(queues.map { ($0.queue, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = Layout.queues.map { q -> (label: String, href: String?, segments: [Charts.Segment]) in
            let s = byQueue[q] ?? QueueStats(queue: q)
            let total = s.open + s.assigned + s.waiting
            return (Layout.label(q), "/console/queues/\(q)", [
                .init(value: total - s.atRisk - s.breached, color: "#2e7d4f", name: "on track"),
                .init(value: s.atRisk, color: "#e0a100", name: "at risk"),
                .init(value: s.breached, color: "#b3261e", name: "breached"),
            ])
        }
        let labels = overview.days.map { String($0.date.description.suffix(5)) }
        return """
        <div class="tiles">\(tiles.map { k, v -> HTML in "<div class=\"tile\"><div class=\"v\" data-kpi=\"\(k)\">\(v)</div><div class=\"k\">\(k)</div></div>" })</div>
        <div class="grid">
        <section class="card" aria-labelledby="q-h"><h2 id="q-h">Open exceptions by queue</h2>\(Charts.stackedBars(title: "Open exceptions by queue and SLA state", rows: rows))</section>
        <section class="card" aria-labelledby="a-h"><h2 id="a-h">Age of open exceptions</h2>\(Charts.columns(title: "Open exceptions by age", bars: overview.ageBuckets.map { ($0.label, $0.count) }))</section>
        <section class="card" aria-labelledby="t-h"><h2 id="t-h">Last \(overview.days.count) days</h2>\(Charts.lines(title: "Exceptions opened and resolved per day", labels: labels, series: [
            ("opened", "#1d4ed8", overview.days.map(\.opened)), ("resolved", "#2e7d4f", overview.days.map(\.resolved)),
            ("resolved touchlessly", "#8a63d2", overview.days.map(\.resolvedAutomatically)),
        ]))</section>
        </div>
        <p class="muted">As of \(Format.time(now)).</p>
        """
    }

    /// Reconnects on its own (EventSource does) and swaps in each pushed overview.
    static let script = """
    (function(){var s=document.getElementById('live-status');if(!window.EventSource){return;}
    var es=new EventSource('/console/live');
    es.addEventListener('overview',function(e){document.getElementById('live').innerHTML=e.data;s.textContent='Live.';});
    es.onerror=function(){s.textContent='Reconnecting…';};})();
    """
}
