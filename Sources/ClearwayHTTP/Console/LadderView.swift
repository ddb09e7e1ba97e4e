import ClearwayCore

/// An exception's escalation ladder on the case page: each rung, what it does, when it
/// fired or falls due, and the supervisor's acknowledgement when a rung asked for one.
enum LadderView {
    static func section(_ standing: LadderStanding?, _ e: ExceptionRecord, caseId: String, session: ConsoleSession) -> HTML {
        guard let standing else { return "" }
        let rows = standing.rungs.map { r -> HTML in
            let state: HTML = r.fired
                ? (r.dueAt.map { "fired · next repeat \(Format.time($0))" } ?? "fired")
                : (r.dueAt.map { "due \(Format.time($0))" } ?? (e.lifecycle.state.isClosed ? "not reached" : "waits while the clock stands still"))
            return "<tr><td>\(r.number)</td><td>\(r.at)</td><td>\(r.does)</td><td>\(state)</td></tr>"
        }
        var facts: [String] = []
        if standing.repeats > 0 { facts.append("last rung repeated \(standing.repeats)×") }
        if standing.priorityBoost > 0 { facts.append("priority raised by \(Int(standing.priorityBoost.rounded())) points") }
        let ack: HTML
        if standing.awaitingAcknowledgement {
            let form: HTML = session.user.role.allows(.assignOthers) && !e.lifecycle.state.isClosed ? """
                <form method="post" action="/console/cases/\(caseId)/exceptions/\(e.id)/acknowledge" class="actions">\(Layout.csrfField(session))\
                <label>Note<input name="note" maxlength="2000"></label><button type="submit">Acknowledge escalation</button></form>
                """ : ""
            ack = "<p><span class=\"badge breached\">awaiting a supervisor's acknowledgement</span></p>\(form)"
        } else { ack = "" }
        return """
        <details class="ladder"\(standing.awaitingAcknowledgement ? " open" : "")><summary>Escalation ladder\
        \(facts.isEmpty ? "" : " · " + facts.joined(separator: " · "))</summary>\(ack)
        <div class="tablewrap"><table><thead><tr><th scope="col">Rung</th><th scope="col">At</th><th scope="col">Does</th><th scope="col">State</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></details>
        """
    }
}
