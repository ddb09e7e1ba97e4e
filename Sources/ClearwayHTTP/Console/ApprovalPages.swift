import ClearwayCore
import ClearwayEngine
import Foundation

/// The approval inbox: each request with what an approver needs to decide it without
/// opening anything else, and one reason field for the decision.
enum ApprovalPages {
    static func page(_ inbox: [ApprovalContext], session: ConsoleSession, now: Instant, notice: HTML) -> HTML {
        let principal = session.user.principal
        let mine = inbox.filter { c in c.action.approval.map { principal.role.canApprove($0.role) } ?? false }
        guard !mine.isEmpty else {
            return Layout.page(title: "Approvals", session: session, body: "\(notice)<p>Nothing is waiting for an approval you can give.</p>")
        }
        let cards = mine.map { card($0, session: session, now: now) }
        let body: HTML = """
        \(notice)<p>\(mine.count) request(s) wait for a decision, oldest first. You cannot decide what you asked for yourself (four-eyes).</p>
        \(cards)
        """
        return Layout.page(title: "Approvals", session: session, body: body)
    }

    static func card(_ c: ApprovalContext, session: ConsoleSession, now: Instant) -> HTML {
        let a = c.action
        let customer: HTML = c.caseRecord.map { "\($0.customerId) · \($0.customerTier.rawValue) tier · \($0.site)" } ?? "unknown case"
        let order = c.caseRecord?.orderId ?? a.caseId
        let lines: [HTML] = (c.order?.lines ?? []).map { l in
            "<li>line \(l.lineNumber): \(l.sku) × \(String(format: "%g", l.quantity)) \(l.unitOfMeasure) at \(Format.money(l.unitPrice))</li>"
        }
        let evidence: [HTML] = (c.exception?.finding.evidence ?? []).map { e in
            "<li>\(e.label)\(e.expected.map { ": expected \($0)" } ?? "")\(e.actual.map { ", actual \($0)" } ?? "")\(e.note.map { " (\($0))" } ?? "")</li>"
        }
        var stakes = ["amount \(Format.money(a.impact.amount))"]
        if let change = a.impact.priceChangePercent { stakes.append(String(format: "price %+.1f%% against contract", change)) }
        if a.impact.overCreditLimit { stakes.append("exposure would exceed the credit limit") }
        let checks: [HTML] = a.checks.map { g in
            "<li><span class=\"badge \(g.passed ? "on_track" : "breached")\">\(g.passed ? "pass" : "fail")</span> \(g.id): \(g.detail)</li>"
        }
        let own = a.requesterId == session.user.principal.id
        let form: HTML = own ? "<p class=\"muted\">You asked for this; someone else decides it.</p>" : """
            <form method="post" action="/console/actions/\(a.id)/approve" class="actions">\(Layout.csrfField(session))
            <input type="hidden" name="back" value="/console/approvals">
            <label>Reason (needed to reject)<input name="reason" maxlength="2000"></label>
            <button type="submit">Approve</button>
            <button type="submit" formaction="/console/actions/\(a.id)/reject">Reject</button></form>
            """
        return """
        <section class="card approval" aria-labelledby="ap-\(a.id)"><h2 id="ap-\(a.id)">\(a.kind.label) · order \(order)</h2>
        <p>\(customer) · <a href="/console/cases/\(a.caseId)">open case \(a.caseId)</a></p>
        <p><strong>\(stakes.joined(separator: " · "))</strong></p>
        <p>\(c.exception?.finding.summary ?? "")</p>
        \(evidence.isEmpty ? "" : "<ul class=\"evidence\">\(evidence)</ul>" as HTML)
        \(lines.isEmpty ? "" : "<details><summary>Order lines</summary><ul>\(lines)</ul></details>" as HTML)
        <p>Needs \(a.approval?.role.rawValue ?? "approval"): \(a.approval?.reason ?? "")</p>
        \(checks.isEmpty ? "" : "<ul class=\"checks\">\(checks)</ul>" as HTML)
        <p class="muted">Asked by \(a.requestedBy) at \(Format.time(a.requestedAt)); waiting \(Format.age(now.seconds(since: a.requestedAt))).</p>
        \(form)</section>
        """
    }
}
