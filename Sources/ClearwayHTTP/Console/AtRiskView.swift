import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// Open exceptions ranked by their probability of breaching the SLA, with what the model
/// saw and how well it did measured as it is used, and the model's stored versions.
enum AtRiskView {
    static func page(result: (fit: BreachRiskFit, risks: [ExceptionRisk])?, models: BreachRiskModels, gate: RiskGate,
                     session: ConsoleSession, notice: HTML) -> HTML {
        let versions = versionsPart(models, gate: gate, session: session)
        guard let (fit, risks) = result else {
            let why: HTML = models.problem.map { "<p class=\"warn\">\($0)</p>" }
                ?? (models.versions.isEmpty ? "<p>No version yet: the model is trained daily once the record holds enough history (50 slices of exceptions' time to due, closings and breaches among them, and open work with a known outcome to measure it on).</p>"
                    : "<p>No version serves: none passed the policy's gate, and no one has put one in service by hand.</p>")
            return Layout.page(title: "At risk of breaching", session: session, body: "\(notice)\(why)\(versions)")
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
        \(notice)<p>Serving <strong>\(BreachRiskVersions.kind)@\(fit.version)</strong>. The chance each open exception breaches its SLA: the chance it stays open through every sixteenth of its time to due still ahead, each learnt from its type,
        queue, customer tier, site, how many exceptions its queue holds, its money at risk and the time of month. Trained on \(fit.slices) slices of the time of
        \(fit.exceptions) exceptions from the last 180 days, work still open included. Measured as it is used (at six moments over the last fifth of the record,
        trained on what was known then, on the work then open inside its SLA): AUC \(String(format: "%.3f", h.auc)), Brier score \(String(format: "%.3f", h.brier)), expected calibration error \(String(format: "%.3f", h.calibrationError)).</p>
        <div class="tablewrap"><table><caption>Open exceptions, most likely to breach first</caption><thead><tr><th scope="col">Case</th><th scope="col">Type</th><th scope="col">Queue</th>\
        <th scope="col">Tier</th><th scope="col">Site</th><th scope="col" class="num">Time gone</th><th scope="col" class="num">Queue load</th><th scope="col" class="num">Money at risk</th>\
        <th scope="col" class="num">Breach risk</th></tr></thead><tbody>\(rows)</tbody></table></div>
        \(versions)
        """
        return Layout.page(title: "At risk of breaching", session: session, body: body)
    }

    /// The stored versions with their held-out figures and the gate's verdict; admins may
    /// train one now, put one in service (saying why below the gate) or roll back.
    static func versionsPart(_ models: BreachRiskModels, gate: RiskGate, session: ConsoleSession) -> HTML {
        let manage = session.user.role.allows(.manageModels)
        let rows = models.versions.map { v -> HTML in
            let c = v.stored.breachRiskCard
            let why: HTML = v.belowGate.isEmpty ? "" : "<label>Why, although below the gate<input name=\"reason\" required maxlength=\"500\"></label>"
            let promote: HTML = manage && v.stored.version != models.serving ? """
                <form method="post" action="/console/at-risk/promote" class="actions">\(Layout.csrfField(session))<input type="hidden" name="version" value="\(v.stored.version)">\(why)<button type="submit">Put in service</button></form>
                """ : ""
            let verdict: HTML = v.belowGate.isEmpty ? "passes" : "<span class=\"warn\">below the gate: \(v.belowGate.joined(separator: "; "))</span>"
            let figures = c.map { String(format: "<td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%.3f</td><td class=\"num\">%.3f</td>",
                                         $0.exceptions, $0.heldOut.n, $0.heldOut.auc, $0.heldOut.calibrationError) } ?? "<td></td><td></td><td></td><td></td>"
            return "<tr><td>\(v.stored.version)\(v.stored.version == models.serving ? " (serving)" : "")</td><td>\(Format.time(v.stored.createdAt))</td><td>\(v.stored.createdBy)</td>\(figures)<td>\(verdict)</td><td>\(promote)</td></tr>"
        }
        let train: HTML = manage ? """
            <form method="post" action="/console/at-risk/train" class="actions">\(Layout.csrfField(session))<button type="submit">Train a version now</button></form>
            """ : ""
        let rollback = manage ? TriageViews.rollbackForm("/console/at-risk/rollback", history: models.history, session: session) : ""
        let changes = TriageViews.servingChanges(models.history)
        return """
        <section class="card" aria-labelledby="risk-versions-h"><h2 id="risk-versions-h">Versions</h2>
        <p>Retrained daily on the last 180 days; a version serves on its own when, measured as it is used, its AUC is at least \(String(format: "%.2f", gate.minAUC)), its expected calibration error at most \(String(format: "%.2f", gate.maxCalibrationError)) and the measurement saw at least \(gate.minMeasured) open exceptions.</p>
        <div class="tablewrap"><table><thead><tr><th scope="col">Version</th><th scope="col">Stored</th><th scope="col">By</th><th scope="col" class="num">Exceptions</th><th scope="col" class="num">Measured on</th><th scope="col" class="num">AUC</th><th scope="col" class="num">Calibration error</th><th scope="col">Gate</th><th scope="col"></th></tr></thead>
        <tbody>\(rows)</tbody></table></div>\(train)\(rollback)<ol class="timeline">\(changes)</ol></section>
        """
    }
}
