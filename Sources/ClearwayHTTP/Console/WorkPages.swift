import ClearwayCore
import ClearwayEngine
import Foundation

/// My work (Get next, what I hold, approvals for me, my views) and the Workload page.
enum WorkPages {
    static func myWork(_ work: MyWork, views: [SavedView], session: ConsoleSession, now: Instant, notice: HTML) -> HTML {
        let canWork = session.user.role.allows(.workExceptions)
        let next: HTML = canWork ? """
            <form method="post" action="/console/work/next" class="actions">\(Layout.csrfField(session))
            <button type="submit" id="get-next">Get next</button> <span class="muted">takes the most urgent open item you are skilled for</span></form>
            """ : ""
        let rows = work.assigned.map { item -> HTML in
            let e = item.exception
            let risk: HTML = e.sla.scheduledDueAt <= now ? "<span class=\"badge breached\">breached</span>"
                : e.sla.scheduledAtRiskAt <= now ? "<span class=\"badge at_risk\">at risk</span>" : ""
            return """
            <tr><td><a href="/console/cases/\(e.caseId)">\(item.orderId ?? e.caseId)</a></td><td>\(e.type.rawValue)</td><td>\(item.customerId)</td>
            <td>\(e.lifecycle.state.rawValue)</td><td>\(risk) <span class="muted">\(Format.sla(e, now: now))</span></td>
            <td class="num">\(String(format: "%.1f", e.priority.score))</td></tr>
            """
        }
        let assigned: HTML = work.assigned.isEmpty ? "<p>Nothing is assigned to you.</p>" : """
            <div class="tablewrap"><table><thead><tr><th scope="col">Order</th><th scope="col">Type</th><th scope="col">Customer</th>
            <th scope="col">State</th><th scope="col">SLA</th><th scope="col">Priority</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        let approvals: HTML = work.approvals.isEmpty ? "<p>No approval waits for you.</p>"
            : "<p><a href=\"/console/approvals\">\(work.approvals.count) approval(s) wait for your decision</a>.</p>"
        let viewRows = views.map { v -> HTML in
            let delete: HTML = v.owner == session.user.username || session.user.role.allows(.assignOthers) ? """
                <form method="post" action="/console/views/\(v.id)/delete" class="inline">\(Layout.csrfField(session))<button type="submit">Delete</button></form>
                """ : ""
            return "<li><a href=\"\(link(v))\">\(v.name)</a> <span class=\"muted\">\(v.queue)\(v.team.map { " · shared with \($0)" } ?? " · private") · by \(v.owner)</span> \(delete)</li>"
        }
        let saved: HTML = views.isEmpty ? "<p class=\"muted\">Save a filtered queue from its page to keep it here.</p>" : "<ul>\(viewRows)</ul>"
        let body: HTML = """
        \(notice)\(next)
        <section class="card" aria-labelledby="mine-h"><h2 id="mine-h">Assigned to me (\(work.assigned.count)), at risk first</h2>\(assigned)</section>
        <section class="card" aria-labelledby="appr-h"><h2 id="appr-h">Approvals for me</h2>\(approvals)</section>
        <section class="card" aria-labelledby="views-h"><h2 id="views-h">My views</h2>\(saved)</section>
        """
        return Layout.page(title: "My work", session: session, body: body)
    }

    /// The queue page a view opens, with its filters.
    static func link(_ v: SavedView) -> String {
        "/console/queues/\(v.queue)" + ConsoleHTTP.query([("view", v.id), ("type", v.type), ("site", v.site), ("customer", v.customerId),
                                                         ("tier", v.tier), ("minAgeHours", v.minAgeHours.map { String(Int($0)) }), ("sort", v.sort)])
    }

    static func workload(_ report: WorkloadReport, session: ConsoleSession, notice: HTML) -> HTML {
        let people = report.people.map { p -> HTML in
            let share = p.capacity > 0 ? min(1, p.load / p.capacity) : 1
            let over = p.load > p.capacity + 1e-9
            return """
            <tr><td><a href="/console/people/\(p.username)">\(p.displayName)</a></td><td>\(p.availability)</td>
            <td><meter min="0" max="1" value="\(String(format: "%.2f", share))" aria-label="load">\(Int(share * 100))%</meter>
            \(WorkRouter.amount(p.load)) of \(WorkRouter.amount(p.capacity))\(over ? " (over)" : "")</td>
            <td class="num">\(p.open)</td><td class="num">\(p.atRisk)</td><td class="num">\(p.breached)</td><td>\(p.queues.joined(separator: ", "))</td></tr>
            """
        }
        let queues = report.queues.map { q -> HTML in
            let inflow = q.days.reduce(0) { $0 + $1.inflow }, resolved = q.days.reduce(0) { $0 + $1.resolved }
            let trend = q.days.map { "\($0.date.description.suffix(5)): \($0.inflow) in / \($0.resolved) out" }.joined(separator: "\n")
            let verdict = resolved >= inflow ? "keeping up" : "falling behind by \(inflow - resolved)"
            return """
            <tr><td><a href="/console/queues/\(q.queue)">\(Layout.label(q.queue))</a></td><td>\(q.mode.rawValue)</td><td class="num">\(q.open)</td>
            <td class="num">\(q.unassigned)</td><td class="num" title="\(trend)">\(inflow)</td><td class="num">\(resolved)</td><td>\(verdict)</td></tr>
            """
        }
        let days = report.queues.first?.days.count ?? 7
        let body: HTML = """
        \(notice)
        <section class="card" aria-labelledby="ppl-h"><h2 id="ppl-h">People</h2><div class="tablewrap"><table>
        <thead><tr><th scope="col">Person</th><th scope="col">Availability</th><th scope="col">Load against capacity</th><th scope="col">Open</th>
        <th scope="col">At risk</th><th scope="col">Breached</th><th scope="col">Queues</th></tr></thead><tbody>\(people)</tbody></table></div></section>
        <section class="card" aria-labelledby="q-h"><h2 id="q-h">Queues, last \(days) days</h2><div class="tablewrap"><table>
        <thead><tr><th scope="col">Queue</th><th scope="col">Routing</th><th scope="col">Open</th><th scope="col">Unassigned</th>
        <th scope="col">In</th><th scope="col">Resolved</th><th scope="col">Flow</th></tr></thead><tbody>\(queues)</tbody></table></div></section>
        """
        return Layout.page(title: "Workload", session: session, body: body)
    }
}
