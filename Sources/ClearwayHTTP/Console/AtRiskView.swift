import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// Open exceptions ranked by their probability of breaching the SLA, with what the model
/// saw and how well it did on the latest exceptions it was not trained on.
enum AtRiskView {
    static func page(result: (fit: BreachRiskFit, risks: [ExceptionRisk])?, session: ConsoleSession) -> HTML {
        guard let (fit, risks) = result else {
            return Layout.page(title: "At risk of breaching", session: session, body: """
                <p>Not enough history yet: the breach-risk model needs at least 50 moments of exceptions whose outcome is known, with both breaches and exceptions closed in time.</p>
                """)
        }
        let rows = risks.map { r -> HTML in
            let s = r.snapshot
            return """
            <tr><td><a href="/console/cases/\(r.fact.caseId)">\(r.fact.caseId)</a></td><td>\(r.fact.type)</td><td>\(r.fact.queue)</td><td>\(s.tier)</td><td>\(s.site)</td>\
            <td class="num">\(String(format: "%.0f%%", min(s.elapsed, 9.99) * 100))</td><td class="num">\(s.queueLoad)</td><td class="num">\(Format.money(Money(tenThousandths: r.fact.moneyAtRisk)))</td>\
            <td class="num"><strong>\(String(format: "%.0f%%", r.probability * 100))</strong></td></tr>
            """
        }
        let h = fit.heldOut
        let body: HTML = """
        <p>The chance each open exception breaches its SLA: the chance it stays open through every sixteenth of its time to due still ahead, each learnt from its type,
        queue, customer tier, site, how many exceptions its queue holds, its money at risk and the time of month. Trained on \(fit.slices) slices of the time of
        \(fit.exceptions) exceptions from the last 180 days, work still open included. Measured as it is used (at three moments over the last fifth of the record,
        trained on what was known then, on the work then open inside its SLA): AUC \(String(format: "%.3f", h.auc)), Brier score \(String(format: "%.3f", h.brier)), expected calibration error \(String(format: "%.3f", h.expectedCalibrationError)).</p>
        <div class="tablewrap"><table><caption>Open exceptions, most likely to breach first</caption><thead><tr><th scope="col">Case</th><th scope="col">Type</th><th scope="col">Queue</th>\
        <th scope="col">Tier</th><th scope="col">Site</th><th scope="col" class="num">Time gone</th><th scope="col" class="num">Queue load</th><th scope="col" class="num">Money at risk</th>\
        <th scope="col" class="num">Breach risk</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
        return Layout.page(title: "At risk of breaching", session: session, body: body)
    }
}
