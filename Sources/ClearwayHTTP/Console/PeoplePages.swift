import ClearwayCore
import ClearwayEngine
import Foundation

/// People: who takes which work, how much, and when they are away.
enum PeoplePages {
    static func list(_ people: [PersonEntry], session: ConsoleSession, now: Instant, notice: HTML) -> HTML {
        let rows = people.map { e -> HTML in
            let s = e.profile.skills
            let narrow = [s.types, s.sites, s.segments, s.accounts].flatMap { $0.sorted() }
            return """
            <tr><td><a href="/console/people/\(e.user.username)">\(e.user.displayName)</a> <span class="muted">\(e.user.username)</span></td>
            <td>\(e.user.role.rawValue)</td><td>\(s.queues.sorted().joined(separator: ", "))\(narrow.isEmpty ? "" : " (only \(narrow.joined(separator: ", ")))")</td>
            <td class="num">\(WorkRouter.amount(e.profile.capacity))</td><td>\(e.profile.availability.label(at: now))</td></tr>
            """
        }
        let body: HTML = """
        \(notice)<p>Skills decide what Get next and push routing give each person; capacity caps their open assigned work.</p>
        <div class="tablewrap"><table><thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Skills</th>
        <th scope="col">Capacity</th><th scope="col">Availability</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
        return Layout.page(title: "People", session: session, body: body)
    }

    static func edit(_ e: PersonEntry, policy: Policy, everyone: [String], session: ConsoleSession, now: Instant, notice: HTML) -> HTML {
        let p = e.profile, a = p.availability
        let supervisor = session.user.role.allows(.assignOthers)
        let mine = session.user.username == e.user.username
        let disabled: HTML = supervisor ? "" : " disabled"
        let queueBoxes = policy.queues.map { q -> HTML in
            "<label><input type=\"checkbox\" name=\"queues\" value=\"\(q)\"\(HTML(raw: p.skills.queues.contains(q) ? " checked" : ""))\(disabled)> \(Layout.label(q))</label>"
        }
        func list(_ set: Set<String>) -> String { set.sorted().joined(separator: ", ") }
        func option(_ value: String, _ label: String, _ selected: Bool) -> HTML {
            "<option value=\"\(value)\"\(HTML(raw: selected ? " selected" : ""))>\(label)</option>"
        }
        let calendars = [option("", "global calendar", p.calendar == nil)] + policy.sites.keys.sorted().map { option($0, "site \($0)", p.calendar == $0) }
        let statuses = Availability.Status.allCases.map { option($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " "), a.status == $0) }
        let delegates = [option("", "nobody (back to the queue)", a.delegate == nil)]
            + everyone.filter { $0 != e.user.username }.map { option($0, $0, a.delegate == $0) }
        let canSave = supervisor || mine
        let body: HTML = """
        \(notice)<p>\(e.user.displayName) · \(e.user.role.rawValue) · now \(a.label(at: now))</p>
        <form method="post" action="/console/people/\(e.user.username)" class="card">\(Layout.csrfField(session))
        <fieldset\(disabled)><legend>Skills and capacity</legend><div class="actions">\(queueBoxes)</div>
        <label>Only these exception types (comma-separated, empty: any)<input name="types" value="\(list(p.skills.types))" size="50"></label>
        <label>Only these sites<input name="sites" value="\(list(p.skills.sites))" size="30"></label>
        <label>Only these customer segments<input name="segments" value="\(list(p.skills.segments))" size="30"></label>
        <label>Only these accounts<input name="accounts" value="\(list(p.skills.accounts))" size="30"></label>
        <label>Capacity (open assigned work, weighted)<input name="capacity" type="number" min="0" max="100" step="0.5" value="\(WorkRouter.amount(p.capacity))"></label>
        <label>Working calendar<select name="calendar">\(calendars)</select></label></fieldset>
        <fieldset><legend>Availability</legend>
        <label>Status<select name="status">\(statuses)</select></label>
        <label>Out of office from (UTC)<input name="from" type="datetime-local" value="\(a.from.map { String($0.iso8601.prefix(16)) } ?? "")"></label>
        <label>until (UTC)<input name="until" type="datetime-local" value="\(a.until.map { String($0.iso8601.prefix(16)) } ?? "")"></label>
        <label>Delegate<select name="delegate">\(delegates)</select></label>
        <p class="muted">While out of office, open work goes to the delegate (or is routed on, or back to the queue); on return,
        what the delegate still holds of it comes back.</p></fieldset>
        \(canSave ? "<button type=\"submit\">Save</button>" as HTML : "")</form>
        <p><a href="/console/people">All people</a> · <a href="/console/workload">Workload</a></p>
        """
        return Layout.page(title: e.user.displayName, session: session, body: body)
    }

    /// Reads the form into the profile; a person who is not a supervisor changes availability only.
    static func apply(_ form: [String: [String]], to p: inout PersonProfile, supervisor: Bool, now: Instant) throws {
        func text(_ key: String) -> String { (form[key]?.first ?? "").trimmingCharacters(in: .whitespaces) }
        func set(_ key: String) -> Set<String> {
            Set(text(key).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if supervisor {
            p.skills = Skills(queues: Set(form["queues"] ?? []), types: set("types"), sites: set("sites"), segments: set("segments"), accounts: set("accounts"))
            guard let capacity = Double(text("capacity")) else { throw ConsoleFailure.badRequest("Capacity must be a number.") }
            p.capacity = capacity
            p.calendar = text("calendar").isEmpty ? nil : text("calendar")
        }
        guard let status = Availability.Status(rawValue: text("status")) else { throw ConsoleFailure.badRequest("Choose an availability status.") }
        func instant(_ key: String) throws -> Instant? {
            let value = text(key)
            guard !value.isEmpty else { return nil }
            guard let parsed = Instant(iso8601: value.count == 16 ? value + ":00Z" : value) else {
                throw ConsoleFailure.badRequest("\(key == "from" ? "From" : "Until") must be a date and time, e.g. 2026-12-09T17:00.")
            }
            return parsed
        }
        p.availability = status == .outOfOffice
            ? Availability(status: status, from: try instant("from") ?? now, until: try instant("until"), delegate: text("delegate").isEmpty ? nil : text("delegate"))
            : Availability(status: status)
    }

    static func label(_ pointer: String) -> String {
        switch pointer {
        case "/availability/until": "Until:"
        case "/availability/from": "From:"
        case "/availability/delegate": "Delegate:"
        case "/capacity": "Capacity:"
        case "/calendar": "Working calendar:"
        default: String(pointer.split(separator: "/").last ?? "") + ":"
        }
    }
}
