import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// The sign-in form. Its CSRF token is a double-submit cookie, since there is no
    /// session yet to hold one.
    func loginPage(_ request: Request, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = APIKeySecret.generate()
        let next = request.uri.queryParameters["next"].map(String.init) ?? "/console"
        let sso = engine.singleSignOn?.settings
        let ssoLink: HTML = sso.map { s -> HTML in
            let host = URL(string: s.issuer)?.host ?? "your identity provider"
            return """
            <p><a class="button" id="sso" href="/console/sso/start\(ConsoleHTTP.query([("next", next)]))">Sign in with single sign-on (\(host))</a></p>
            """
        } ?? ""
        guard sso?.localPasswords ?? true else {
            let body: HTML = "\(Layout.notice(error, error: true))<div class=\"card\" style=\"max-width:24rem\">\(ssoLink)</div>"
            return ConsoleHTTP.html(Layout.page(title: "Sign in", session: nil, body: body), status: status)
        }
        let body: HTML = """
        \(Layout.notice(error, error: true))\(ssoLink)
        <form method="post" action="/console/login" class="card" style="max-width:24rem">
        <input type="hidden" name="csrf" value="\(token)"><input type="hidden" name="next" value="\(next)">
        <p><label for="username">Username</label><br><input id="username" name="username" autocomplete="username" required autofocus></p>
        <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <button type="submit">Sign in</button></form>
        """
        var response = ConsoleHTTP.html(Layout.page(title: "Sign in", session: nil, body: body), status: status)
        response.setCookie(ConsoleHTTP.cookie(ConsoleHTTP.loginCookie, token, maxAge: 1_800, secure: ConsoleHTTP.isSecure(request)))
        return response
    }

    func signIn(_ request: Request, from address: String) async throws -> Response {
        let form: [String: [String]]
        do { form = try await ConsoleHTTP.form(request) } catch { return try await loginPage(request, error: "The sign-in form could not be read.", status: .badRequest) }
        guard let csrf = form["csrf"]?.first, !csrf.isEmpty, csrf == request.cookies[ConsoleHTTP.loginCookie]?.value else {
            return try await loginPage(request, error: "The sign-in form expired. Please try again.", status: .forbidden)
        }
        let username = form["username"]?.first ?? "", password = form["password"]?.first ?? ""
        let refusal = "Unknown username or wrong password (after 5 failures, wait 15 minutes)."
        guard username.count <= 64, password.count <= 1_024 else { return try await loginPage(request, error: refusal, status: .unauthorized) }
        // Nothing typed here is logged: a username field often holds a password typed in
        // the wrong place. Lock-outs are logged and audited by the engine.
        let result = try await engine.signIn(username: username, password: password, from: address)
        if case .passwordsOff = result {
            return try await loginPage(request, error: "Passwords are turned off here: sign in with single sign-on.", status: .forbidden)
        }
        guard case .signedIn(let token, _) = result else {
            return try await loginPage(request, error: refusal, status: .unauthorized)
        }
        let next = form["next"]?.first ?? "/console"
        // Only local paths: never redirect to another site after sign-in.
        var response = ConsoleHTTP.redirect(next.hasPrefix("/console") && !next.hasPrefix("//") ? next : "/console")
        let secure = ConsoleHTTP.isSecure(request)
        response.setCookie(ConsoleHTTP.cookie(ConsoleHTTP.sessionCookie, token, maxAge: 8 * 3_600, secure: secure))
        response.setCookie(ConsoleHTTP.cookie(ConsoleHTTP.loginCookie, "", maxAge: 0, secure: secure))
        return response
    }

    func queuePage(_ request: Request, queue: String, session: ConsoleSession, notice: HTML?) async throws -> Response {
        let known = Layout.queues.contains(queue) ? true : try await engine.queueStats(by: session.user.principal).contains { $0.queue == queue }
        guard known else {
            throw ConsoleFailure.notFound("There is no queue called \(queue).")
        }
        let q = request.uri.queryParameters
        func param(_ name: String) -> String? { q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let params = QueueView.Params(type: param("type"), site: param("site"), customer: param("customer"), tier: param("tier"),
                                      minAgeHours: param("minAgeHours"), sort: param("sort"))
        var filter = QueueFilter(queue: queue)
        if let t = params.type {
            guard let type = ExceptionType(rawValue: t) else { throw ConsoleFailure.badRequest("Unknown exception type \(t).") }
            filter.type = type
        }
        filter.site = params.site
        filter.customerId = params.customer
        if let t = params.tier {
            guard let tier = CustomerTier(rawValue: t) else { throw ConsoleFailure.badRequest("Unknown tier \(t).") }
            filter.tier = tier
        }
        if let h = params.minAgeHours {
            guard let hours = Double(h), hours >= 0, hours < 100_000 else { throw ConsoleFailure.badRequest("Open at least (hours) must be a number of hours.") }
            filter.openedBefore = engine.clock.now().adding(seconds: -hours * 3_600)
        }
        if let s = params.sort {
            guard let sort = QueueFilter.Sort(rawValue: s) else { throw ConsoleFailure.badRequest("Unknown sort \(s).") }
            filter.sort = sort
        }
        let (items, total) = try await engine.queueItems(filter, by: session.user.principal)
        let sites = Array(Set(engine.policy.sites.keys).union(items.map(\.site))).sorted()
        return ConsoleHTTP.html(QueueView.page(queue: queue, params: params, items: items, total: total, session: session,
                                               users: try await engine.people(by: session.user.principal), queues: engine.policy.queues.filter { $0 != queue }, sites: sites, notice: notice ?? "", now: engine.clock.now()))
    }

    /// Applies one command to each selected exception and reports each outcome.
    func bulk(queue: String, form: [String: [String]], session: ConsoleSession) async throws -> Response {
        let ids = form["ids"] ?? []
        guard !ids.isEmpty else { throw ConsoleFailure.badRequest("Select at least one exception first.") }
        guard ids.count <= 200 else { throw ConsoleFailure.badRequest("Select at most 200 exceptions at a time.") }
        let command = try ConsoleActions.bulkCommand(form)
        var done = 0
        var failures: [String] = []
        for id in ids {
            let parts = id.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { failures.append("\(id): not an exception reference"); continue }
            do {
                _ = try await engine.work(caseId: parts[0], exceptionId: parts[1], command: command, by: session.user.principal)
                done += 1
            } catch let error as EngineError {
                failures.append("\(parts[1]): \(ConsoleActions.failure(for: error).message)")
            }
        }
        let summary = "\(ConsoleActions.doneMessage(command)): \(done) of \(ids.count)." + (failures.isEmpty ? "" : " Not done: " + failures.joined(separator: "; "))
        return ConsoleHTTP.redirect("/console/queues/\(queue)" + ConsoleHTTP.done(summary, session))
    }

    func casePage(_ id: String, session: ConsoleSession, notice: String?) async throws -> Response {
        let detail = try await engine.caseDetail(id, by: session.user.principal)
        let (record, exceptions) = (detail.record, detail.exceptions)
        let recommendations = try await engine.recommendations(for: exceptions, in: record, by: session.user.principal)
        return ConsoleHTTP.html(CaseView.page(record: record, exceptions: exceptions, order: detail.order, timeline: detail.timeline, actions: detail.actions, session: session,
                                              users: try await engine.people(by: session.user.principal), requestTypes: engine.knownRequestTypes,
                                              recommendations: recommendations,
                                              ladders: exceptions.reduce(into: [:]) { out, e in
                                                  out[e.id] = LadderStanding.of(e, policy: engine.policy, site: record.site)
                                              },
                                              notice: Layout.notice(notice), now: engine.clock.now()))
    }
}
