import ClearwayCore
import ClearwayInsights
import Foundation

/// The process map of how exceptions were handled: activities stacked in the order cases
/// reach them, each directly-follows transition drawn as an arc (forward on the right,
/// back on the left) whose width grows with its count; then the tables behind it.
enum ProcessMapView {
    static let maxArcs = 30

    static func page(map: ProcessMap, log: FlatLog, handoffs: [(from: String, to: String, count: Int, medianHours: Double)],
                     from: Int64, to: Int64, query: String, session: ConsoleSession) -> HTML {
        let day = FactFilter.day
        let form: HTML = """
        <form method="get" action="/console/insights/process" class="filters"><label>From <input name="from" value="\(day(from))" size="12"></label> \
        <label>To (day after) <input name="to" value="\(day(to))" size="12"></label> <button type="submit">Show</button></form>
        <p>\(map.cases) exceptions, \(map.events) steps, \(map.variants.count) variants, \(day(from)) to \(day(to)). \
        <a href="/console/insights">KPIs and root causes</a> · <a href="/console/insights/process.csv\(query)">Transitions as CSV</a> · \
        <a href="/v1/insights/ocel\(query)">OCEL 2.0 export</a> · <a href="/console/insights/logs">Imported event logs</a></p>
        """
        let moves: HTML = handoffs.isEmpty ? "<p>No exception moved between queues in this period.</p>" : """
        <table><caption>Handoffs between queues</caption><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Count</th><th scope="col">Median hours in the first queue</th></tr></thead>
        <tbody>\(handoffs.map { h -> HTML in "<tr><td>\(h.from)</td><td>\(h.to)</td><td>\(h.count)</td><td>\(String(format: "%.1f", h.medianHours))</td></tr>" })</tbody></table>
        """
        return Layout.page(title: "Process map", session: session, body: "\(form)\(analysis(map: map, log: log, extra: [moves]))")
    }

    /// The graph and the tables behind it, for any flattened log.
    static func analysis(map: ProcessMap, log: FlatLog, extra: [HTML] = []) -> HTML {
        let edges: HTML = """
        <table><caption>Transitions, most frequent first</caption><thead><tr><th scope="col">From</th><th scope="col">To</th>\
        <th scope="col">Count</th><th scope="col">Median wait</th><th scope="col">Mean wait</th></tr></thead>
        <tbody>\(map.edges.prefix(40).map { e -> HTML in "<tr><td>\(e.from)</td><td>\(e.to)</td><td>\(e.count)</td><td>\(wait(e.medianSeconds))</td><td>\(wait(e.meanSeconds))</td></tr>" })</tbody></table>
        """
        let variants: HTML = """
        <table><caption>Most common paths</caption><thead><tr><th scope="col">Cases</th><th scope="col">Path</th></tr></thead>
        <tbody>\(map.variants.prefix(10).map { v -> HTML in "<tr><td>\(v.count)</td><td>\(v.variant.joined(separator: " → "))</td></tr>" })</tbody></table>
        """
        let bottlenecks: HTML = """
        <table><caption>Bottlenecks (count × median wait)</caption><thead><tr><th scope="col">Transition</th><th scope="col">Count</th><th scope="col">Median wait</th></tr></thead>
        <tbody>\(map.bottlenecks().map { e -> HTML in "<tr><td>\(e.from) → \(e.to)</td><td>\(e.count)</td><td>\(wait(e.medianSeconds))</td></tr>" })</tbody></table>
        """
        let rework: HTML = map.rework.isEmpty ? "" : """
        <table><caption>Rework: cases repeating a step</caption><tbody>\
        \(map.rework.sorted { $0.value > $1.value }.map { k, v -> HTML in "<tr><td>\(k)</td><td>\(v)</td></tr>" })</tbody></table>
        """
        return "\(graph(map: map, log: log))<div class=\"grid\"><section class=\"card\">\(edges)</section><section class=\"card\">\(variants)\(bottlenecks)\(extra)\(rework)</section></div>"
    }

    /// An imported log: pick the object type its cases are, then the same analysis.
    static func importedPage(stored: StoredEventLog, objectType: String, map: ProcessMap, log: FlatLog, session: ConsoleSession) -> HTML {
        let types: HTML = HTML.join(stored.objectTypes.map { t -> HTML in
            t == objectType ? "<strong>\(t)</strong>" : "<a href=\"/console/insights/logs/\(stored.id)?objectType=\(t.addingPercentEncoding(withAllowedCharacters: ConsoleHTTP.unreserved) ?? "")\">\(t)</a>"
        }, separator: " · ")
        let header: HTML = """
        <p>Imported \(Format.time(stored.importedAt)) by \(stored.importedBy): \(stored.events) events, \(stored.objects) objects. \
        <a href="/console/insights/logs">All imported logs</a></p><p>Cases are objects of type: \(types). \(map.cases) cases, \(map.events) events, \(map.variants.count) variants. \
        <a href="/console/insights/logs/\(stored.id)/transitions.csv?objectType=\(objectType.addingPercentEncoding(withAllowedCharacters: ConsoleHTTP.unreserved) ?? "")">Transitions as CSV</a></p>
        """
        return Layout.page(title: "Event log \(stored.name)", session: session, body: "\(header)\(analysis(map: map, log: log))")
    }

    static func logsPage(_ logs: [StoredEventLog], session: ConsoleSession) -> HTML {
        let rows: [HTML] = logs.map { l in
            "<tr><td><a href=\"/console/insights/logs/\(l.id)\">\(l.name)</a></td><td>\(l.events)</td><td>\(l.objects)</td><td>\(l.objectTypes.joined(separator: ", "))</td><td>\(l.importedBy)</td></tr>"
        }
        let body: HTML = logs.isEmpty
            ? "<p>No event log imported yet. <code>clearway insights import FILE</code> keeps an OCEL 2.0 (JSON or SQLite) or OCEL-CSV log here.</p>"
            : "<table><caption>Imported event logs</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Events</th><th scope=\"col\">Objects</th><th scope=\"col\">Object types</th><th scope=\"col\">Imported by</th></tr></thead><tbody>\(rows)</tbody></table>"
        return Layout.page(title: "Imported event logs", session: session, body: body)
    }

    /// The arc diagram, server-rendered SVG with a text table for screen readers.
    static func graph(map: ProcessMap, log: FlatLog) -> HTML {
        guard !map.edges.isEmpty else { return "<p>No steps recorded in this period.</p>" }
        // Activities in the order cases reach them: mean relative position in their traces.
        var position: [String: (sum: Double, n: Int)] = [:]
        for c in 0..<log.caseCount {
            let r = log.events(ofCase: c)
            for (k, i) in r.enumerated() {
                let a = log.activities[Int(log.activity[i])]
                position[a, default: (0, 0)].sum += r.count > 1 ? Double(k) / Double(r.count - 1) : 0
                position[a, default: (0, 0)].n += 1
            }
        }
        let nodes = position.keys.sorted { (position[$0]!.sum / Double(position[$0]!.n), $0) < (position[$1]!.sum / Double(position[$1]!.n), $1) }
        let row = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        let arcs = Array(map.edges.prefix(maxArcs))
        let maxCount = Double(arcs.map(\.count).max() ?? 1)
        // Room for the widest arc on each side (a cubic curve reaches three quarters of its pull).
        func pull(_ i: Int, _ j: Int) -> Int { 30 + abs(j - i) * 22 }
        let spans = arcs.compactMap { e in row[e.from].flatMap { i in row[e.to].map { j in (i, j) } } }
        let leftExtent = spans.filter { $0.1 < $0.0 }.map { pull($0.0, $0.1) * 3 / 4 }.max() ?? 0
        let rightExtent = max(40, spans.filter { $0.1 >= $0.0 }.map { pull($0.0, $0.1) * 3 / 4 }.max() ?? 0)
        let left = leftExtent + 20, boxWidth = 250, top = 20, step = 34
        let height = top * 2 + nodes.count * step
        var parts: [HTML] = []
        for e in arcs {
            guard let i = row[e.from], let j = row[e.to] else { continue }
            let y1 = top + i * step + 12, y2 = top + j * step + 12
            let width = String(format: "%.1f", 1 + 6 * log1p(Double(e.count)) / log1p(maxCount))
            let label = "\(e.from) → \(e.to): \(e.count), median \(wait(e.medianSeconds))"
            let path: String
            if i == j {
                let x = left + boxWidth
                path = "M \(x) \(y1 - 6) C \(x + 40) \(y1 - 20), \(x + 40) \(y1 + 20), \(x) \(y1 + 6)"
            } else if j > i {
                let x = left + boxWidth, d = pull(i, j)
                path = "M \(x) \(y1) C \(x + d) \(y1), \(x + d) \(y2), \(x) \(y2)"
            } else {
                let x = left, d = pull(i, j)
                path = "M \(x) \(y1) C \(x - d) \(y1), \(x - d) \(y2), \(x) \(y2)"
            }
            let color = j >= i ? "#1d4ed8" : "#b45309"
            parts.append("<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-opacity=\"0.55\" stroke-width=\"\(width)\" marker-end=\"url(#arrow)\"><title>\(label)</title></path>")
        }
        for (i, name) in nodes.enumerated() {
            let y = top + i * step
            let count = (map.startActivities[name] ?? 0) + map.edges.filter { $0.to == name }.reduce(0) { $0 + $1.count }
            parts.append("<rect x=\"\(left)\" y=\"\(y)\" width=\"\(boxWidth)\" height=\"24\" rx=\"4\" fill=\"#eef2ff\" stroke=\"#1d4ed8\"></rect>")
            parts.append("<text x=\"\(left + 8)\" y=\"\(y + 16)\">\(name) (\(count))</text>")
        }
        let marker: HTML = "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"></path></marker></defs>"
        let title = "Process map: \(nodes.count) steps, the \(arcs.count) most frequent transitions; forward on the right, back on the left"
        let table: HTML = "<table class=\"sr\"><caption>\(title)</caption>\(arcs.map { e -> HTML in "<tr><td>\(e.from)</td><td>\(e.to)</td><td>\(e.count)</td></tr>" })</table>"
        let width = left + boxWidth + rightExtent + 20
        return "<svg role=\"img\" aria-label=\"\(title)\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" style=\"max-width:\(width)px\" class=\"process-map\"><title>\(title)</title>\(marker)\(parts)</svg>\(table)"
    }

    static func wait(_ seconds: Double) -> String { Format.age(seconds) }

    static func csv(_ map: ProcessMap) -> String {
        CSVText.table(header: ["from", "to", "count", "medianSeconds", "meanSeconds"],
                      rows: map.edges.map { [$0.from, $0.to, "\($0.count)", String(format: "%.0f", $0.medianSeconds), String(format: "%.0f", $0.meanSeconds)] })
    }
}
