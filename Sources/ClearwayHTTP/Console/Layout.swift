import ClearwayCore
import Foundation

/// The page frame: navigation, the signed-in user and the shared styles. No scripts or
/// fonts from elsewhere: the console works offline and with a strict content policy.
enum Layout {
    static let queues = ["pricing", "inventory", "credit", "logistics", "procurement", "master_data", "warehouse", "customer_service"]

    static func page(title: String, session: ConsoleSession?, body: HTML, script: HTML = "") -> HTML {
        let nav: HTML = if let session {
            """
            <nav aria-label="Main"><a href="/console">Overview</a><a href="/console/work">My work</a>\(queues.map { q -> HTML in "<a href=\"/console/queues/\(q)\">\(label(q))</a>" })\
            <a href="/console/approvals">Approvals</a><a href="/console/at-risk">At risk</a><a href="/console/workload">Workload</a><a href="/console/people">People</a><a href="/console/insights">Insights</a><a href="/console/models">Models</a>\(session.user.role.allows(.readDeadLetters) ? "<a href=\"/console/deliveries\">Deliveries</a>" as HTML : "")\
            <a href="/console/notifications" id="bell" aria-label="Notifications">Notifications <span id="bell-count" class="badge breached" hidden></span></a></nav>
            <form method="post" action="/console/logout" class="who">\(csrfField(session))
            <span>\(session.user.displayName) · \(session.user.role.rawValue)</span> <button type="submit">Sign out</button></form>
            """
        } else { "" }
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Clearway</title><style>\(HTML(raw: css))</style></head>
        <body><a class="skip" href="#main">Skip to content</a>
        <header><strong class="brand">Clearway</strong>\(nav)</header>
        <main id="main" tabindex="-1"><h1>\(title)</h1>\(body)</main>\(script)\(session == nil ? "" : "<script src=\"/console/bell.js\"></script>" as HTML)</body></html>
        """
    }

    static func csrfField(_ session: ConsoleSession) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrfToken)\">"
    }

    static func label(_ queue: String) -> String {
        queue.replacingOccurrences(of: "_", with: " ").capitalized
    }

    static func notice(_ text: String?, error: Bool = false) -> HTML {
        guard let text, !text.isEmpty else { return "" }
        return error ? "<p class=\"notice error\" role=\"alert\">\(text)</p>" : "<p class=\"notice\" role=\"status\">\(text)</p>"
    }

    static let css = """
    :root{--ink:#1b2430;--muted:#5b6673;--line:#d6dbe1;--bg:#f6f7f9;--ok:#2e7d4f;--warn:#b86e00;--bad:#b3261e;--accent:#1d4ed8}
    *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
    header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;background:#fff;border-bottom:1px solid var(--line)}
    .brand{font-size:1.1rem}nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem;flex:1}nav a{color:var(--accent);text-decoration:none;padding:.2rem 0}
    nav a:hover,nav a:focus{text-decoration:underline}.who{display:flex;gap:.5rem;align-items:center;color:var(--muted)}
    main{padding:1rem;max-width:1400px;margin:0 auto}h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.2rem 0 .5rem}
    .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem;z-index:2}
    :focus-visible{outline:3px solid var(--accent);outline-offset:2px}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.75rem}
    .tile{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.7rem}.tile .v{font-size:1.6rem;font-weight:600}.tile .k{color:var(--muted);font-size:.85rem}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:1rem}
    .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8rem;overflow-x:auto}
    table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
    th{font-size:.85rem;color:var(--muted);font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
    .tablewrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
    .filters,.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}.filters label,.actions label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
    input,select,textarea,button{font:inherit;padding:.3rem .45rem;border:1px solid #9aa5b1;border-radius:5px;background:#fff;color:var(--ink)}
    button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}button.secondary{background:#fff;color:var(--accent)}
    .badge{display:inline-block;padding:0 .4rem;border-radius:9px;font-size:.8rem;border:1px solid var(--line)}
    .at_risk{background:#fff3dc;border-color:var(--warn)}.breached{background:#fde7e5;border-color:var(--bad)}.on_track{background:#e6f4ec;border-color:var(--ok)}
    .notice{padding:.5rem .7rem;border-radius:6px;background:#e8f0fe}.notice.error{background:#fde7e5}
    .ok{color:var(--ok)}.bad{color:var(--bad)}
    .muted{color:var(--muted)}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
    svg text{font:12px system-ui,sans-serif;fill:var(--ink)}.legend{display:flex;gap:1rem;font-size:.85rem;color:var(--muted)}
    .sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
    .timeline li{margin:.3rem 0}.exception{border:1px solid var(--line);border-radius:8px;padding:.7rem;margin:.7rem 0;background:#fff}
    @media (max-width:600px){main{padding:.6rem}.grid{grid-template-columns:1fr}th,td{padding:.3rem}}
    """
}
