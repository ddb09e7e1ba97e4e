import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence

/// The recommended next steps on an open exception: what resolved similar ones fastest,
/// with the history behind each, the guardrails' verdict, and a verdict for the person.
enum RecommendationViews {
    static func list(_ recommendations: [CheckedRecommendation], _ e: ExceptionRecord, caseId: String, session: ConsoleSession) -> HTML {
        guard !recommendations.isEmpty else { return "" }
        let canJudge = session.user.role.allows(.workExceptions)
        let items = recommendations.map { r -> HTML in
            let verdict: HTML = switch r.guardrails {
            case .pass: " · <span class=\"ok\">guardrails pass</span>"
            case .blocked(let why): " · <span class=\"bad\">blocked: \(why.joined(separator: "; "))</span>"
            case .needsDetails: " · needs details below before the guardrails can be checked"
            case .notAnAction, .notChecked: ""
            }
            let buttons: HTML = canJudge ? """
                <form method="post" action="/console/cases/\(caseId)/exceptions/\(e.id)/recommendation" class="actions">\(Layout.csrfField(session))\
                <input type="hidden" name="step" value="\(r.recommendation.step)"><button type="submit" name="verdict" value="accept">Use this</button> \
                <button type="submit" name="verdict" value="reject">Not useful</button></form>
                """ : ""
            return "<li><strong>\(r.label)</strong>: \(r.recommendation.evidence)\(verdict)\(buttons)</li>"
        }
        return "<div class=\"card\" role=\"group\" aria-label=\"Recommended next steps for \(e.type.rawValue)\"><h4>Recommended next steps</h4><ol>\(items)</ol></div>"
    }
}
