import ClearwayCore
import ClearwayEngine
import Foundation

/// One case: the order, each exception with its evidence, SLA clock and priority parts,
/// what this person's role may do, comments and the full timeline.
enum CaseView {
    static func page(record: CaseRecord, exceptions: [ExceptionRecord], order: Order?, timeline: [AuditEntry], actions: [ActionRecord], session: ConsoleSession,
                     users: [ConsoleUser], requestTypes: [String], recommendations: [String: [CheckedRecommendation]] = [:],
                     ladders: [String: LadderStanding] = [:], notice: HTML, now: Instant) -> HTML {
        let title = record.orderId.map { "Case for order \($0)" } ?? "Case \(record.id)"
        let orderPart: HTML = order.map { o in
            """
            <section class="card" aria-labelledby="order-h"><h2 id="order-h">Order \(o.id)</h2>
            <p>\(record.customerId) (\(record.customerTier.rawValue)\(record.segment.map { ", \($0)" } ?? "")) · site \(o.site) · \(o.channel.rawValue) · status \(o.status.rawValue) ·
            ship \(o.requestedShipDate.description)\(o.promiseDate.map { ", promised \($0.description)" } ?? "")\(o.lane.map { " · lane \($0)" } ?? "")</p>
            <div class="tablewrap"><table><thead><tr><th scope="col">Line</th><th scope="col">SKU</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Amount</th></tr></thead>
            <tbody>\(o.lines.map { l -> HTML in "<tr><td>\(l.lineNumber)</td><td>\(l.sku)</td><td class=\"num\">\(l.quantity.formatted()) \(l.unitOfMeasure)</td><td class=\"num\">\(Format.money(l.unitPrice))</td><td class=\"num\">\(Format.money(l.amount))</td></tr>" })</tbody>
            <tfoot><tr><th colspan="4">Total</th><td class="num">\(Format.money(o.total))</td></tr></tfoot></table></div></section>
            """
        } ?? ""
        let body: HTML = """
        \(notice)
        <p>State <strong>\(record.state.rawValue)</strong> · priority \(String(format: "%.1f", record.priority)) · money at risk \(Format.money(record.moneyAtRisk)) ·
        opened \(Format.time(record.openedAt)) (\(Format.age(now.seconds(since: record.openedAt))) ago)</p>
        \(orderPart)
        <h2>Exceptions</h2>\(exceptions.map { exception($0, caseId: record.id, session: session, users: users, requestTypes: requestTypes,
                                                               recommendations: recommendations[$0.id] ?? [], ladder: ladders[$0.id], now: now) })
        \(ActionViews.list(actions, session: session, back: "/console/cases/\(record.id)"))
        <section class="card" aria-labelledby="comment-h"><h2 id="comment-h">Add a comment</h2>
        \(session.user.role.allows(.workExceptions) ? """
            <form method="post" action="/console/cases/\(record.id)/comments">\(Layout.csrfField(session))
            <label for="comment">Comment</label><br><textarea id="comment" name="text" rows="3" cols="60" maxlength="10000" required></textarea><br>
            <button type="submit">Add comment</button></form>
            """ as HTML : "<p class=\"muted\">Your role (\(session.user.role.rawValue)) can read this case but not change it.</p>")</section>
        <section class="card" aria-labelledby="tl-h"><h2 id="tl-h">Timeline</h2><ol class="timeline">\(timeline.map(entry))</ol></section>
        """
        return Layout.page(title: title, session: session, body: body)
    }

    static func exception(_ e: ExceptionRecord, caseId: String, session: ConsoleSession, users: [ConsoleUser], requestTypes: [String],
                          recommendations: [CheckedRecommendation], ladder: LadderStanding? = nil, now: Instant) -> HTML {
        let evidence = e.finding.evidence.map { item -> HTML in
            "<tr><th scope=\"row\">\(item.label)</th><td>\(item.expected ?? "")</td><td>\(item.actual ?? "")</td><td>\(item.note ?? "")</td></tr>"
        }
        let parts = e.priority.parts.map { p -> HTML in
            "<tr><td>\(p.name)</td><td class=\"num\">\(String(format: "%.2f", p.value))</td><td class=\"num\">\(String(format: "%.2f", p.weight))</td><td class=\"num\">\(String(format: "%.1f", p.contribution))</td></tr>"
        }
        return """
        <article class="exception" aria-labelledby="ex-\(e.id)">
        <h3 id="ex-\(e.id)">\(e.type.rawValue) · \(e.lifecycle.state.rawValue)\(e.lifecycle.assignee.map { " · \($0)" } ?? "") \(Format.escalation(e))</h3>
        <p>\(e.finding.summary)</p>\(TriageViews.reading(e.finding.triage))
        <p class="muted">Queue \(e.queue) · SLA \(Format.sla(e, now: now)) · money at risk \(Format.money(e.finding.moneyAtRisk)) · decided by \(e.finding.decidedBy)\
        \(e.lifecycle.resolution.map { " · resolved: \($0.code)\($0.note.map { " (\($0))" } ?? "")" } ?? "")</p>
        <div class="grid"><div class="tablewrap"><table><caption>Evidence</caption><thead><tr><th scope="col">What</th><th scope="col">Expected</th><th scope="col">Actual</th><th scope="col">Note</th></tr></thead><tbody>\(evidence)</tbody></table></div>
        <div class="tablewrap"><table><caption>Priority \(String(format: "%.1f", e.priority.score))</caption><thead><tr><th scope="col">Part</th><th scope="col" class="num">Value</th><th scope="col" class="num">Weight</th><th scope="col" class="num">Points</th></tr></thead><tbody>\(parts)</tbody></table></div></div>
        \(LadderView.section(ladder, e, caseId: caseId, session: session))
        \(RecommendationViews.list(recommendations, e, caseId: caseId, session: session))
        \(actions(e, caseId: caseId, session: session, users: users))
        \(ActionViews.requestForms(e, caseId: caseId, session: session))
        \(TriageViews.correction(e, caseId: caseId, session: session, requestTypes: requestTypes))
        </article>
        """
    }

    /// Only what this role may do to the exception in its current state.
    static func actions(_ e: ExceptionRecord, caseId: String, session: ConsoleSession, users: [ConsoleUser]) -> HTML {
        let role = session.user.role
        guard role.allows(.workExceptions), !e.lifecycle.state.isClosed else { return "" }
        let base = "/console/cases/\(caseId)/exceptions/\(e.id)"
        func button(_ action: String, _ label: String, extra: HTML = "") -> HTML {
            "<form method=\"post\" action=\"\(base)/\(action)\" class=\"actions\">\(Layout.csrfField(session))\(extra)<button type=\"submit\">\(label)</button></form>"
        }
        var forms: [HTML] = []
        if e.lifecycle.assignee != session.user.username { forms.append(button("claim", "Claim")) }
        if role.allows(.assignOthers) {
            forms.append(button("assign", "Assign", extra: "<label>Assign to<select name=\"assignee\">\(users.map { u -> HTML in "<option value=\"\(u.username)\">\(u.displayName)</option>" })</select></label><label>Past their capacity because<input name=\"overCapacityReason\" maxlength=\"2000\"></label>"))
        }
        if e.lifecycle.state == .waiting {
            forms.append(button("resume", "Resume"))
        } else {
            let parties = WaitingParty.allCases.map { p -> HTML in "<option value=\"\(p.rawValue)\">\(p.rawValue)</option>" }
            forms.append(button("wait", "Wait", extra: """
                <label>Waiting on<select name="waitingOn">\(parties)</select></label>
                <label>Waiting for<input name="reason" required maxlength="500"></label>
                """))
        }
        forms.append(button("resolve", "Resolve", extra: """
            <label>Resolution code<select name="code">\(QueueView.resolutionCodes.map { c -> HTML in "<option value=\"\(c)\">\(c)</option>" })</select></label>
            <label>Note<input name="note" maxlength="2000"></label>
            """))
        return "<div class=\"actions\" role=\"group\" aria-label=\"Actions on \(e.type.rawValue)\">\(forms)</div>"
    }

    static func entry(_ a: AuditEntry) -> HTML {
        let change: String = switch (a.before, a.after) {
        case let (b?, c?): " \(b) → \(c)"
        case let (nil, c?): " → \(c)"
        default: ""
        }
        return "<li><time>\(Format.time(a.at))</time> · <strong>\(a.action)</strong>\(change) · \(a.actor)\(a.reason.map { ": \($0)" } ?? "")</li>"
    }
}
