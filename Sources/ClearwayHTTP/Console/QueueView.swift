import ClearwayCore
import Foundation

/// One queue's work list: filters, sorting, and bulk claim, assign and resolve.
enum QueueView {
    struct Params {
        var type: String?, site: String?, customer: String?, tier: String?, minAgeHours: String?, sort: String?
    }

    static let resolutionCodes = ["price_corrected", "stock_reallocated", "credit_released", "carrier_rebooked", "supplier_expedited",
                                  "master_data_completed", "substitution_approved", "customer_answered", "duplicate", "other"]

    static func page(queue: String, params: Params, items: [QueueItem], total: Int, session: ConsoleSession, users: [ConsoleUser], queues: [String],
                     sites: [String], notice: HTML, now: Instant) -> HTML {
        let types = ExceptionType.allCases.filter { $0.defaultQueue == queue }
        func option(_ value: String, _ label: String, _ selected: String?) -> HTML {
            "<option value=\"\(value)\"\(HTML(raw: value == (selected ?? "") ? " selected" : ""))>\(label)</option>"
        }
        let filters: HTML = """
        <form method="get" class="filters" aria-label="Filter the queue">
        <label>Type<select name="type">\(option("", "any", params.type))\(types.map { option($0.rawValue, $0.rawValue, params.type) })</select></label>
        <label>Site<select name="site">\(option("", "any", params.site))\(sites.map { option($0, $0, params.site) })</select></label>
        <label>Customer<input name="customer" value="\(params.customer)" size="10"></label>
        <label>Tier<select name="tier">\(option("", "any", params.tier))\(CustomerTier.allCases.map { option($0.rawValue, $0.rawValue, params.tier) })</select></label>
        <label>Open at least (hours)<input name="minAgeHours" type="number" min="0" step="1" value="\(params.minAgeHours)" size="5"></label>
        <label>Sort by<select name="sort">\(option("priority", "priority score", params.sort))\(option("age", "oldest first", params.sort))\(option("due", "SLA due first", params.sort))</select></label>
        <button type="submit">Apply</button></form>
        """
        let canWork = session.user.role.allows(.workExceptions)
        let rows = items.map { item -> HTML in
            let e = item.exception
            let check: HTML = canWork ? "<td><input type=\"checkbox\" name=\"ids\" value=\"\(e.caseId):\(e.id)\" aria-label=\"Select \(item.orderId ?? e.caseId) \(e.type.rawValue)\"></td>" : ""
            return """
            <tr>\(check)<td class="num">\(String(format: "%.1f", e.priority.score))</td>
            <td><a href="/console/cases/\(e.caseId)">\(item.orderId ?? e.caseId)</a></td><td>\(item.customerId)</td><td>\(item.tier.rawValue)</td>
            <td>\(item.site)</td><td>\(e.type.rawValue)</td><td>\(e.finding.summary)</td>
            <td>\(e.lifecycle.state.rawValue)\(e.lifecycle.assignee.map { " · \($0)" } ?? "")</td>
            <td>\(Format.escalation(e)) <span class="muted">\(Format.sla(e, now: now))</span></td><td class="num">\(Format.age(now.seconds(since: e.openedAt)))</td></tr>
            """
        }
        let bulk: HTML = canWork ? """
            <div class="actions" role="group" aria-label="Bulk actions on the selected exceptions">
            <label>Action<select name="action"><option value="claim">Claim</option>\
            \(HTML(raw: session.user.role.allows(.assignOthers) ? "<option value=\"assign\">Assign to</option><option value=\"reroute\">Move to queue</option>" : ""))<option value="resolve">Resolve with code</option></select></label>
            \(session.user.role.allows(.assignOthers) ? "<label>Assignee<select name=\"assignee\">\(users.map { option($0.username, $0.displayName, nil) })</select></label><label>Past their capacity because<input name=\"overCapacityReason\" maxlength=\"2000\"></label><label>Queue<select name=\"queue\">\(queues.map { option($0, Layout.label($0), nil) })</select></label>" as HTML : "")
            <label>Resolution code<select name="code">\(resolutionCodes.map { option($0, $0, nil) })</select></label>
            <label>Note<input name="note" maxlength="2000"></label>
            <button type="submit">Apply to selected</button></div>
            """ : "<p class=\"muted\">Your role (\(session.user.role.rawValue)) can read this queue but not work it.</p>"
        let head: HTML = canWork ? "<th scope=\"col\"><span class=\"sr\">Select</span></th>" : ""
        let hidden: [(String, String?)] = [("queue", queue), ("type", params.type), ("site", params.site), ("customer", params.customer), ("tier", params.tier),
                      ("minAgeHours", params.minAgeHours), ("sort", params.sort)]
        let fields: [HTML] = hidden.compactMap { k, v -> HTML? in v.map { "<input type=\"hidden\" name=\"\(k)\" value=\"\($0)\">" } }
        let save: HTML = """
            <details><summary>Save this view</summary><form method="post" action="/console/views" class="actions">\(Layout.csrfField(session))\(fields)
            <label>Name<input name="name" maxlength="80" required></label>
            <label><input type="checkbox" name="share" value="1"> Share with the \(Layout.label(queue)) team</label>
            <button type="submit">Save view</button></form></details>
            """
        return Layout.page(title: "\(Layout.label(queue)) queue", session: session, body: """
            \(notice)\(filters)\(save)
            <p>\(total) open exception\(total == 1 ? "" : "s")\(total > items.count ? ", showing the first \(items.count)" : "").</p>
            <form method="post" action="/console/queues/\(queue)/bulk">\(Layout.csrfField(session))\(bulk)
            <div class="tablewrap"><table><caption class="sr">Open exceptions in the \(Layout.label(queue)) queue</caption>
            <thead><tr>\(head)<th scope="col" class="num">Priority</th><th scope="col">Order</th><th scope="col">Customer</th><th scope="col">Tier</th>
            <th scope="col">Site</th><th scope="col">Type</th><th scope="col">What</th><th scope="col">State</th><th scope="col">SLA</th><th scope="col" class="num">Age</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></form>
            """)
    }
}
