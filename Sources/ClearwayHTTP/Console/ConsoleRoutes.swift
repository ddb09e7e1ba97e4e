import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The operations console under `/console`: sign-in, overview, queues and cases, rendered
/// on the server. Every page needs a session; every POST needs the session's CSRF token;
/// what a person may do is checked against their role here and again by the engine.
struct ConsoleRoutes: Sendable {
    let engine: ClearwayEngine
    let logger: Logger
    /// Where a request came from (through trusted proxies), for the sign-in limits.
    var addresses = ClientAddresses()
    /// The streamed overview, shared by every open tab: one set of queries per interval,
    /// however many people watch. A page load always renders fresh.
    let shared = SharedOverview()
    /// Every route registered, with what it needs (for the authorization test).
    let table = ConsoleRouteTable()
    /// Routes that stream server-sent events until the browser leaves.
    static let streams: Set<String> = ["/console/live", "/console/notifications/stream"]

    @discardableResult
    func register(on router: Router<ClearwayRequestContext>) -> [ConsoleRoute] {
        open(router, .get, "/") { _ in ConsoleHTTP.redirect("/console") }
        open(router, .get, "/console/login") { request in try await loginPage(request, error: nil) }
        router.post("/console/login") { request, context in
            try await signIn(request, from: addresses.address(of: request, context: context))
        }
        table.add(ConsoleRoute(method: .post, path: "/console/login", access: .anyone))
        route(router, .post, "/console/logout", .signedIn) { request, context, session, _ in
            if let token = ConsoleHTTP.sessionToken(request) { try await engine.signOut(token: token, from: addresses.address(of: request, context: context)) }
            // Signed in through the identity provider: sign out there too (RP-initiated logout).
            let back = engine.singleSignOn.map { $0.settings.redirectURI.replacingOccurrences(of: "/console/sso/callback", with: "/console/login") }
            var endSession: String?
            if let back { endSession = try await engine.endSessionURL(for: session.user, returnTo: back) }
            var r = endSession.map(signedOutPage) ?? ConsoleHTTP.redirect("/console/login")
            r.setCookie(ConsoleHTTP.cookie(ConsoleHTTP.sessionCookie, "", maxAge: 0, secure: ConsoleHTTP.isSecure(request)))
            return r
        }
        open(router, .get, "/console/live.js") { _ in
            var headers = ConsoleHTTP.securityHeaders
            headers[.contentType] = "text/javascript; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OverviewView.script)))
        }
        route(router, .get, "/console", .permission(.readCases)) { request, _, session, _ in
            ConsoleHTTP.html(OverviewView.page(session: session, live: try await liveOverview(by: session.user.principal), warning: TriageViews.warning(engine.messageReader.health)))
        }
        route(router, .get, "/console/live", .permission(.readCases)) { request, _, session, _ in liveStream(by: session.user.principal) }
        registerNotifications(on: router)
        registerPreferences(on: router)
        registerPeople(on: router)
        registerSingleSignOn(on: router)
        route(router, .get, "/console/queues/:queue", .permission(.readCases)) { request, context, session, _ in
            try await queuePage(request, queue: try context.parameters.require("queue"), session: session,
                          notice: Layout.notice(ConsoleHTTP.notice(request, session)))
        }
        route(router, .post, "/console/queues/:queue/bulk", .permission(.workExceptions)) { request, context, session, form in
            try await bulk(queue: try context.parameters.require("queue"), form: form, session: session)
        }
        route(router, .get, "/console/cases/:case", .permission(.readCases)) { request, context, session, _ in
            try await casePage(try context.parameters.require("case"), session: session, notice: ConsoleHTTP.notice(request, session))
        }
        route(router, .post, "/console/cases/:case/exceptions/:exception/:action", .permission(.workExceptions)) { request, context, session, form in
            let caseId = try context.parameters.require("case"), exceptionId = try context.parameters.require("exception")
            let action = try context.parameters.require("action")
            if action == "request-type" { return try await correctRequestType(caseId: caseId, exceptionId: exceptionId, form: form, session: session) }
            if action == "recommendation" { return try await judgeRecommendation(caseId: caseId, exceptionId: exceptionId, form: form, session: session) }
            let command = try ConsoleActions.command(action, form: form)
            _ = try await engine.work(caseId: caseId, exceptionId: exceptionId, command: command, by: session.user.principal)
            return ConsoleHTTP.redirect("/console/cases/\(caseId)" + ConsoleHTTP.done(ConsoleActions.doneMessage(command), session))
        }
        registerActions(on: router)
        registerInsights(on: router)
        registerModels(on: router)
        route(router, .post, "/console/cases/:case/comments", .permission(.workExceptions)) { request, context, session, form in
            let caseId = try context.parameters.require("case")
            _ = try await engine.comment(caseId: caseId, exceptionId: nil, text: form["text"]?.first ?? "", by: session.user.principal)
            return ConsoleHTTP.redirect("/console/cases/\(caseId)" + ConsoleHTTP.done("Comment added", session))
        }
        return table.all
    }

    /// Runs a page handler with the signed-in session (and, for POST, the checked form),
    /// turning every failure into a page a person can read.
    func page(_ request: Request, post: Bool, access: ConsoleAccess,
              _ body: (ConsoleSession, [String: [String]]) async throws -> Response) async throws -> Response {
        guard let token = ConsoleHTTP.sessionToken(request),
              let session = try await engine.consoleSession(token: token) else {
            if post { return ConsoleHTTP.redirect("/console/login") }
            return ConsoleHTTP.redirect("/console/login" + ConsoleHTTP.query([("next", request.uri.path)]))
        }
        do {
            var form: [String: [String]] = [:]
            if post {
                form = try await ConsoleHTTP.form(request)
                guard let csrf = form["csrf"]?.first, csrf == session.csrfToken else {
                    throw ConsoleFailure.forbidden("The form has expired or did not come from this console. Reload the page and try again.")
                }
            }
            try Self.check(access, session)
            return try await body(session, form)
        } catch let failure as ConsoleFailure {
            return errorPage(failure, session: session)
        } catch let error as EngineError {
            return errorPage(ConsoleActions.failure(for: error), session: session)
        } catch {
            logger.error("console request failed", metadata: ["error": "\(error)", "http.path": "\(request.uri.path)"])
            return ConsoleHTTP.html(Layout.page(title: "Something went wrong", session: session,
                                               body: "<p>The request could not be completed. It has been logged; please try again.</p>"),
                                   status: .internalServerError)
        }
    }

    func errorPage(_ failure: ConsoleFailure, session: ConsoleSession) -> Response {
        let (status, title, detail): (HTTPResponse.Status, String, String) = switch failure {
        case .badRequest(let d): (.badRequest, "That did not work", d)
        case .forbidden(let d): (.forbidden, "Not allowed", d)
        case .notFound(let d): (.notFound, "Not found", d)
        }
        return ConsoleHTTP.html(Layout.page(title: title, session: session, body: "\(Layout.notice(detail, error: true))<p><a href=\"/console\">Back to the overview</a></p>"),
                                status: status)
    }

    func liveOverview(by principal: Principal) async throws -> HTML {
        async let kpis = engine.headlineKPIs(by: principal)
        async let queues = engine.queueStats(by: principal)
        let now = engine.clock.now()
        let overview = try await engine.backlogOverview(now: now, by: principal)
        return OverviewView.live(kpis: try await kpis, queues: try await queues, overview: overview, now: now)
    }

    /// Server-sent events: the overview again whenever the record changes, on this node or
    /// any other (the store's change signal, fed by LISTEN/NOTIFY on PostgreSQL), at most
    /// every 1.5 s per node however many browsers watch. A comment line after 20 quiet
    /// seconds notices a browser that has gone; a graceful shutdown ends the stream so the
    /// server can stop (the browser reconnects to another node).
    func liveStream(by principal: Principal) -> Response {
        eventStream("overview") { first in
            // The first render is fresh: a shared one may predate the page this stream
            // belongs to, and would put older figures back on the screen.
            try await shared.current(maxAge: first ? .zero : .milliseconds(1_500)) { try await liveOverview(by: principal) }.text
        }
    }

    /// The bell's unread count, sent again whenever it changes.
    func bellStream(by principal: Principal) -> Response {
        eventStream("unread") { _ in String(try await engine.unreadNotifications(by: principal)) }
    }

    /// Sends `render`'s text as `event` now and again after each change to the record
    /// whenever it differs from what was sent last.
    func eventStream(_ event: String, render: @escaping @Sendable (_ first: Bool) async throws -> String) -> Response {
        var headers = ConsoleHTTP.securityHeaders
        headers[.contentType] = "text/event-stream"
        return Response(status: .ok, headers: headers, body: .init { writer in
            var last = "", first = true
            var seen = engine.changeVersion
            let stopping = Mutex(false)
            try await withGracefulShutdownHandler {
                while !Task.isCancelled, !stopping.withLock({ $0 }) {
                    let text = try await render(first)
                    first = false
                    if text != last {
                        last = text
                        let data = text.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }.joined(separator: "\n")
                        try await writer.write(ByteBuffer(string: "event: \(event)\n\(data)\n\n"))
                    }
                    let before = seen
                    seen = await engine.nextChange(after: seen, timeout: .seconds(20))
                    if seen == before {
                        try await writer.write(ByteBuffer(string: ": still here\n\n"))
                    } else {
                        // Let a burst of commits settle into one render.
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                }
            } onGracefulShutdown: {
                stopping.withLock { $0 = true }
                engine.wakeChangeWaiters()     // wake the wait so the stream ends now
            }
            try await writer.finish(nil)
        })
    }
}

/// The last rendered overview and when it was rendered.
final class SharedOverview: Sendable {
    private let last = Mutex<(at: ContinuousClock.Instant, html: HTML)?>(nil)

    func current(maxAge: Duration, render: () async throws -> HTML) async throws -> HTML {
        let now = ContinuousClock.now
        if let cached = last.withLock({ $0 }), now - cached.at < maxAge { return cached.html }
        let html = try await render()
        // Renders can finish out of order; keep the one that started last.
        last.withLock { current in if current.map({ $0.at < now }) ?? true { current = (now, html) } }
        return html
    }
}
