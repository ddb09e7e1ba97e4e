/// Charts drawn on the server as SVG, each with a title for screen readers and the same
/// figures in a visually hidden table.
enum Charts {
    struct Segment { var value: Int; var color: String; var name: String }

    /// Horizontal stacked bars, one per row (e.g. open exceptions per queue by SLA state).
    static func stackedBars(title: String, rows: [(label: String, href: String?, segments: [Segment])]) -> HTML {
        let maxTotal = max(1, rows.map { $0.segments.reduce(0) { $0 + $1.value } }.max() ?? 1)
        let rowHeight = 26, labelWidth = 130, barWidth = 320
        var parts: [HTML] = []
        for (i, row) in rows.enumerated() {
            let y = i * rowHeight
            var x = labelWidth
            let text: HTML = "<text x=\"0\" y=\"\(y + 17)\"\(HTML(raw: row.href == nil ? "" : " fill=\"#1d4ed8\""))>\(row.label)</text>"
            parts.append(row.href.map { "<a href=\"\($0)\">\(text)</a>" } ?? text)
            for s in row.segments where s.value > 0 {
                let w = max(2, s.value * barWidth / maxTotal)
                parts.append("<rect x=\"\(x)\" y=\"\(y + 5)\" width=\"\(w)\" height=\"16\" fill=\"\(s.color)\"><title>\(row.label): \(s.value) \(s.name)</title></rect>")
                x += w
            }
            parts.append("<text x=\"\(x + 6)\" y=\"\(y + 17)\">\(row.segments.reduce(0) { $0 + $1.value })</text>")
        }
        let height = max(rowHeight, rows.count * rowHeight)
        let names = rows.first?.segments.map(\.name) ?? []
        let table: HTML = """
        <table class="sr"><caption>\(title)</caption><tr><th>row</th>\(names.map { n -> HTML in "<th>\(n)</th>" })</tr>\
        \(rows.map { r -> HTML in "<tr><td>\(r.label)</td>\(r.segments.map { s -> HTML in "<td>\(s.value)</td>" })</tr>" })</table>
        """
        return """
        <svg role="img" aria-label="\(title)" viewBox="0 0 \(labelWidth + barWidth + 50) \(height)" width="100%" preserveAspectRatio="xMinYMin meet">\
        <title>\(title)</title>\(parts)</svg>\(legend(rows.first?.segments ?? []))\(table)
        """
    }

    /// Vertical columns (e.g. open exceptions by age bucket).
    static func columns(title: String, bars: [(label: String, value: Int)], color: String = "#1d4ed8") -> HTML {
        let maxValue = max(1, bars.map(\.value).max() ?? 1)
        let width = 70, height = 140
        var parts: [HTML] = []
        for (i, bar) in bars.enumerated() {
            let h = bar.value * (height - 42) / maxValue
            let x = i * width + 10
            parts.append("<rect x=\"\(x)\" y=\"\(height - 20 - h)\" width=\"\(width - 20)\" height=\"\(h)\" fill=\"\(color)\"><title>\(bar.label): \(bar.value)</title></rect>")
            parts.append("<text x=\"\(x)\" y=\"\(height - 24 - h)\">\(bar.value)</text><text x=\"\(x)\" y=\"\(height - 4)\">\(bar.label)</text>")
        }
        let table: HTML = "<table class=\"sr\"><caption>\(title)</caption>\(bars.map { b -> HTML in "<tr><td>\(b.label)</td><td>\(b.value)</td></tr>" })</table>"
        return "<svg role=\"img\" aria-label=\"\(title)\" viewBox=\"0 0 \(bars.count * width + 20) \(height)\" width=\"100%\"><title>\(title)</title>\(parts)</svg>\(table)"
    }

    /// Lines over days (e.g. exceptions opened and resolved per day).
    static func lines(title: String, labels: [String], series: [(name: String, color: String, values: [Int])]) -> HTML {
        let maxValue = max(1, series.flatMap(\.values).max() ?? 1)
        let width = 480, height = 160, left = 34, bottom = 22
        let step = labels.count > 1 ? Double(width - left - 10) / Double(labels.count - 1) : 0
        func point(_ i: Int, _ v: Int) -> String {
            let x = Double(left) + Double(i) * step
            let y = Double(height - bottom) - Double(v) / Double(maxValue) * Double(height - bottom - 12)
            return "\(Int(x)),\(Int(y))"
        }
        var parts: [HTML] = [
            "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#9aa5b1\"/>",
            "<text x=\"0\" y=\"14\">\(maxValue)</text><text x=\"0\" y=\"\(height - bottom)\">0</text>",
        ]
        for (i, label) in labels.enumerated() where i % max(1, labels.count / 7) == 0 || i == labels.count - 1 {
            parts.append("<text x=\"\(Int(Double(left) + Double(i) * step) - 14)\" y=\"\(height - 4)\">\(label)</text>")
        }
        for s in series {
            let pts = s.values.enumerated().map { point($0.offset, $0.element) }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2.5\" points=\"\(pts)\"><title>\(s.name)</title></polyline>")
        }
        let table: HTML = """
        <table class="sr"><caption>\(title)</caption><tr><th>day</th>\(series.map { s -> HTML in "<th>\(s.name)</th>" })</tr>\
        \(labels.enumerated().map { i, l -> HTML in "<tr><td>\(l)</td>\(series.map { s -> HTML in "<td>\(s.values[i])</td>" })</tr>" })</table>
        """
        return """
        <svg role="img" aria-label="\(title)" viewBox="0 0 \(width) \(height)" width="100%"><title>\(title)</title>\(parts)</svg>\
        \(legend(series.map { Segment(value: 0, color: $0.color, name: $0.name) }))\(table)
        """
    }

    static func legend(_ segments: [Segment]) -> HTML {
        "<div class=\"legend\" aria-hidden=\"true\">\(segments.map { s -> HTML in "<span><span class=\"sw\" style=\"background:\(s.color)\"></span>\(s.name)</span>" })</div>"
    }
}
