import ClearwayCore
import ClearwayEngine
import Foundation

/// The what-if page: a changed policy tried on a period's recorded events, shown beside
/// what happened (supervisors and administrators).
enum BacktestView {
    static func form(policyText: String, from: String, to: String, session: ConsoleSession, problems: [String] = []) -> HTML {
        let issues: HTML = problems.isEmpty ? "" : "<div class=\"notice error\" role=\"alert\"><p>The changed policy is not valid:</p><ul>\(problems.map { p -> HTML in "<li>\(p)</li>" })</ul></div>"
        return """
        \(issues)<p>Paste a changed policy and pick a period. Clearway replays that period's recorded events twice, under the policy in \
        force and under yours, with SLA timers and touchless rules running and every action assumed applied, and shows both beside \
        what happened. People's work is not replayed, so compare the two replays. Long periods take a minute or more.</p>
        <form method="post" action="/console/insights/backtest">\(Layout.csrfField(session))
        <label>From <input name="from" value="\(from)" size="12"></label> <label>To (day after) <input name="to" value="\(to)" size="12"></label>
        <p><label for="policy">Changed policy (YAML)</label><br><textarea id="policy" name="policy" rows="18" cols="100" spellcheck="false">\(policyText)</textarea></p>
        <button type="submit">Run the backtest</button></form>
        """
    }

    static func result(_ r: PolicyBacktest.Report) -> HTML {
        func row(_ name: String, _ value: (PolicyBacktest.Outcome) -> Double, decimals: Int = 0) -> HTML {
            let f = { (v: Double) in String(format: "%.\(decimals)f", v) }
            let a = value(r.replayCurrent), b = value(r.replayCandidate)
            return "<tr><td>\(name)</td><td>\(f(value(r.recorded)))</td><td>\(f(a))</td><td data-backtest=\"\(name)\">\(f(b))</td><td>\(b - a >= 0 ? "+" : "")\(f(b - a))</td></tr>"
        }
        var rows: [HTML] = [
            row("exceptions opened", { Double($0.exceptionsOpened) }), row("resolved touchless", { Double($0.touchlessResolved) }),
            row("touchless rate (%)", { $0.touchlessRate * 100 }, decimals: 1), row("SLA breaches", { Double($0.slaBreaches) }),
            row("approvals needed", { Double($0.approvalsNeeded) }), row("pricing approvals needed", { Double($0.pricingApprovalsNeeded) }),
            row("revenue at risk at the end", { $0.revenueAtRisk }),
        ]
        let queues = Set(r.recorded.exceptionsPerQueue.keys).union(r.replayCurrent.exceptionsPerQueue.keys).union(r.replayCandidate.exceptionsPerQueue.keys)
        rows += queues.sorted().map { q in row("in \(q) at the end", { Double($0.exceptionsPerQueue[q] ?? 0) }) }
        let skipped = [r.replayCurrent, r.replayCandidate].flatMap(\.eventsNotProcessed).reduce(0) { $0 + $1.value }
        return """
        <table><caption>Backtest \(r.from) to \(r.to): \(r.eventsReplayed) events replayed, \(r.effectEventsLeftOut) that followed from actions left out\
        \(skipped > 0 ? "; \(skipped) could not be processed" : "")</caption>
        <thead><tr><th scope="col"></th><th scope="col">What happened</th><th scope="col">Replay, policy in force</th><th scope="col">Replay, changed policy</th>\
        <th scope="col">Change</th></tr></thead><tbody>\(rows)</tbody></table>
        """
    }
}
