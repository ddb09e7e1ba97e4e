import ClearwayCore
import ClearwayEngine
import Foundation

/// Actions in the console: each case's actions with the moves this role may make, forms to
/// ask for an action (checked first, or asked outright), the approval inbox and the
/// delivery view (connectors and dead-lettered actions).
enum ActionViews {
    /// The parameters each kind asks for, in form order: (field, label, input type).
    static let fields: [ActionKind: [(String, String, String)]] = [
        .releaseHold: [],
        .splitOrder: [("line", "Line to release", "number"), ("quantity", "Quantity now", "number")],
        .allocateFromSite: [("line", "Line", "number"), ("site", "From DC", "text"), ("quantity", "Quantity", "number")],
        .approveSubstitution: [("line", "Line", "number"), ("substituteSku", "Substitute SKU", "text")],
        .rebookCarrier: [("carrier", "Carrier", "text"), ("shipDate", "Ship date", "date")],
        .revisePromiseDate: [("promiseDate", "New promise date", "date")],
        .expeditePurchaseOrder: [("purchaseOrder", "Purchase order", "text"), ("sku", "SKU", "text"), ("requestedDate", "Needed by", "date")],
        .overridePrice: [("line", "Line", "number"), ("unitPrice", "Unit price", "number")],
        .releaseCredit: [("amount", "Amount (blank: the order value)", "number")],
        .notifyCustomer: [("subject", "Subject", "text"), ("message", "Message", "text")],
        .postWarehouseCount: [("sku", "SKU", "text")],
    ]

    static let numeric: Set<String> = ["line", "quantity", "unitPrice", "amount"]

    /// The action's parameters from a console form (blank fields left out).
    static func parameters(kind: ActionKind, form: [String: [String]]) throws -> ActionParameters {
        var object: [String: JSONValue] = [:]
        for (name, label, _) in fields[kind] ?? [] {
            let text = (form[name]?.first ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            if numeric.contains(name) {
                guard let n = Double(text), n.isFinite else { throw ConsoleFailure.badRequest("\(label) must be a number.") }
                object[name] = .number(n)
            } else { object[name] = .string(text) }
        }
        if kind == .splitOrder, let line = object.removeValue(forKey: "line"), let quantity = object.removeValue(forKey: "quantity") {
            object["release"] = .array([.object(["line": line, "quantity": quantity])])
        }
        do { return try ActionParameters.parse(kind: kind, .object(object)) } catch {
            throw ConsoleFailure.badRequest("Please check the form: " + error.problems.map { "\($0.pointer.split(separator: "/").last ?? "") \($0.detail)" }.joined(separator: "; ") + ".")
        }
    }

    /// Forms to ask for the actions that suit this exception, prefilled from its finding.
    static func requestForms(_ e: ExceptionRecord, caseId: String, session: ConsoleSession) -> HTML {
        guard session.user.role.allows(.workExceptions), !e.lifecycle.state.isClosed else { return "" }
        let line = e.finding.key.hasPrefix("line:") ? String(e.finding.key.dropFirst(5)) : ""
        let sku = e.finding.key.hasPrefix("sku:") ? String(e.finding.key.dropFirst(4)) : ""
        let expectedPrice = e.finding.evidence.first { $0.label == "unit price" }?.expected ?? ""
        let canOverride = session.user.role.allows(.overridePolicy)
        let forms = ActionKind.suggested(for: e.type).map { kind -> HTML in
            let inputs = (fields[kind] ?? []).map { name, label, type -> HTML in
                let value = name == "line" ? line : name == "sku" ? sku : name == "unitPrice" ? expectedPrice : ""
                let step: HTML = type == "number" ? " step=\"any\"" : ""
                return "<label>\(label)<input name=\"\(name)\" type=\"\(type)\" value=\"\(value)\"\(step)></label>"
            }
            let override: HTML = canOverride ? "<label>Override reason (supervisors: act against policy)<input name=\"overrideReason\" maxlength=\"2000\"></label>" : ""
            return """
            <details><summary>\(kind.label)</summary>
            <form method="post" action="/console/cases/\(caseId)/exceptions/\(e.id)/act" class="actions">\(Layout.csrfField(session))
            <input type="hidden" name="kind" value="\(kind.rawValue)">\(inputs)\(override)
            <button type="submit" name="mode" value="check">Check first</button> <button type="submit" name="mode" value="ask">Ask for it</button></form></details>
            """
        }
        return "<div class=\"card\" role=\"group\" aria-label=\"Act on \(e.type.rawValue)\"><h4>Act in the source system</h4>\(forms)</div>"
    }

    /// A case's actions, newest last, with the moves this role may make on each.
    static func list(_ actions: [ActionRecord], session: ConsoleSession, back: String) -> HTML {
        guard !actions.isEmpty else { return "" }
        let rows = actions.map { a -> HTML in
            let state = a.state.rawValue.replacingOccurrences(of: "_", with: " ") + (a.overrideReason != nil ? " (override)" : "")
            let asker = a.ruleId.map { "rule \($0)" } ?? a.requestedBy
            return "<tr><td>\(a.id)</td><td>\(a.kind.label)</td><td>\(state)</td><td>\(asker)</td><td>\(detail(a))</td><td>\(moves(a, session: session, back: back))</td></tr>"
        }
        return """
        <section class="card" aria-labelledby="act-h"><h2 id="act-h">Actions</h2><div class="tablewrap"><table>
        <thead><tr><th scope="col">Action</th><th scope="col">What</th><th scope="col">State</th><th scope="col">Asked by</th><th scope="col">Detail</th><th scope="col">Do</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        """
    }

    static func detail(_ a: ActionRecord) -> HTML {
        var parts: [String] = [a.parameters.json.canonicalString()]
        if let approval = a.approval, a.state == .pendingApproval { parts.append("needs \(approval.role.rawValue): \(approval.reason)") }
        if let by = a.decidedBy { parts.append("decided by \(by)\(a.decisionReason.map { ": \($0)" } ?? "")") }
        if let error = a.lastError { parts.append("last answer: \(error)") }
        if a.attempts > 0 { parts.append("\(a.attempts) attempt(s)") }
        return "\(parts.joined(separator: " · "))"
    }

    /// The buttons a role may press on an action in its state.
    static func moves(_ a: ActionRecord, session: ConsoleSession, back: String) -> HTML {
        let role = session.user.role
        func button(_ verb: String, _ label: String, reason: Bool = false) -> HTML {
            let field: HTML = reason ? "<label>Reason<input name=\"reason\" maxlength=\"2000\"\(verb == "approve" ? "" : " required")></label>" : ""
            return "<form method=\"post\" action=\"/console/actions/\(a.id)/\(verb)\" class=\"actions\">\(Layout.csrfField(session))<input type=\"hidden\" name=\"back\" value=\"\(back)\">\(field)<button type=\"submit\">\(label)</button></form>"
        }
        var forms: [HTML] = []
        switch a.state {
        case .pendingApproval where role.allows(.approveActions) && a.approval.map({ role.canApprove($0.role) }) == true:
            forms += [button("approve", "Approve", reason: true), button("reject", "Reject", reason: true)]
        case .recommended where role.allows(.workExceptions):
            forms.append(button("execute", "Carry out"))
        case .deadLettered where role.allows(.replayDeadLetters):
            forms.append(button("retry", "Retry delivery"))
        default: break
        }
        if [.recommended, .pendingApproval, .queued, .deadLettered].contains(a.state), role.allows(.overridePolicy) {
            forms.append(button("skip", "Skip (override)", reason: true))
        }
        return HTML.join(forms)
    }

    static func deliveriesPage(connectors: [ConnectorStatus], outbox: [(target: String, state: String, count: Int)], dead: [ActionRecord],
                               senders: [(source: String, documents: Int, lastReceived: Instant)] = [], session: ConsoleSession, notice: HTML) -> HTML {
        let rows = connectors.map { c -> HTML in
            let counts = outbox.filter { $0.target == c.system }.map { "\($0.state) \($0.count)" }.joined(separator: ", ")
            let tried = c.deliveries.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "<tr><td>\(c.system)</td><td>\(c.circuit.replacingOccurrences(of: "_", with: " "))</td><td class=\"num\">\(c.consecutiveFailures)</td><td>\(tried)</td><td>\(counts)</td></tr>"
        }
        let deadRows = dead.map { a -> HTML in
            "<tr><td><input type=\"checkbox\" name=\"ids\" value=\"\(a.id)\" aria-label=\"Select \(a.id)\"></td><td><a href=\"/console/cases/\(a.caseId)\">\(a.id)</a></td><td>\(a.kind.label)</td><td>\(a.system)</td><td>\(a.lastError ?? "")</td></tr>"
        }
        let deadPart: HTML = dead.isEmpty ? "<p>No action is dead-lettered.</p>" : """
            <form method="post" action="/console/deliveries/retry">\(Layout.csrfField(session))<div class="tablewrap"><table>
            <caption>Dead-lettered actions: delivery attempts ran out</caption>
            <thead><tr><th scope="col">Select</th><th scope="col">Action</th><th scope="col">What</th><th scope="col">System</th><th scope="col">Last answer</th></tr></thead>
            <tbody>\(deadRows)</tbody></table></div>
            \(session.user.role.allows(.replayDeadLetters) ? "<button type=\"submit\">Retry selected</button>" as HTML : "")</form>
            """
        let body: HTML = """
        \(notice)<section class="card"><h2>Connectors on this node</h2><div class="tablewrap"><table>
        <thead><tr><th scope="col">System</th><th scope="col">Circuit</th><th scope="col" class="num">Failures in a row</th><th scope="col">Attempts since start</th><th scope="col">Outbox</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Dead letters</h2>\(deadPart)</section>
        \(unknownSenders(senders, session: session))
        """
        return Layout.page(title: "Deliveries", session: session, body: body)
    }

    /// EDI senders not yet partners: their kept documents, and a replay once they are added.
    static func unknownSenders(_ senders: [(source: String, documents: Int, lastReceived: Instant)], session: ConsoleSession) -> HTML {
        guard !senders.isEmpty else { return "<section class=\"card\"><h2>Unknown EDI senders</h2><p>None: every sender is a configured partner.</p></section>" }
        let canReplay = session.user.role.allows(.replayDeadLetters)
        let rows = senders.map { s -> HTML in
            let id = s.source.hasPrefix("edi:") ? String(s.source.dropFirst(4)) : s.source
            let replay: HTML = canReplay ? """
                <form method="post" action="/console/edi/senders/replay" class="inline">\(Layout.csrfField(session))
                <input type="hidden" name="source" value="\(s.source)"><button type="submit">Replay after adding</button></form>
                """ : ""
            return "<tr><td>\(id)</td><td class=\"num\">\(s.documents)</td><td>\(Format.time(s.lastReceived))</td><td>\(replay)</td></tr>"
        }
        return """
        <section class="card"><h2>Unknown EDI senders</h2>
        <p>Documents from these senders were acknowledged (997) and kept. Add each under <code>edi.partners</code> in the policy
        (its customer and site), then replay: the kept purchase orders become orders.</p>
        <div class="tablewrap"><table><thead><tr><th scope="col">Sender (ISA05:ISA06)</th><th scope="col" class="num">Documents</th>
        <th scope="col">Last received</th><th scope="col"></th></tr></thead><tbody>\(rows)</tbody></table></div></section>
        """
    }
}
