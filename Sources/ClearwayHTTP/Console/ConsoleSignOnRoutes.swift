import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation
import Hummingbird
import Logging

/// Sign-in through the identity provider: `/console/sso/start` sends the browser there with
/// a state tied to it by a cookie; `/console/sso/callback` takes the answer back.
extension ConsoleRoutes {
    static let stateCookie = "clearway_sso"

    func registerSingleSignOn(on router: Router<ClearwayRequestContext>) {
        open(router, .get, "/console/sso/start") { request in try await startSingleSignOn(request) }
        table.add(ConsoleRoute(method: .get, path: "/console/sso/callback", access: .anyone))
        router.get("/console/sso/callback") { request, context in
            try await finishSingleSignOn(request, from: addresses.address(of: request, context: context))
        }
    }

    func startSingleSignOn(_ request: Request) async throws -> Response {
        guard let sso = engine.singleSignOn else { return try await loginPage(request, error: "Single sign-on is not set up here.", status: .notFound) }
        let next = request.uri.queryParameters["next"].map(String.init) ?? "/console"
        do {
            let (url, state) = try await engine.beginSingleSignOn(next: next, redirectURI: sso.settings.redirectURI)
            var response = Response(status: .found, headers: [.location: url])
            // Lax, not Strict: the provider's redirect back is a cross-site navigation.
            response.setCookie(Cookie(name: Self.stateCookie, value: state, maxAge: 600, path: "/console/sso", secure: ConsoleHTTP.isSecure(request),
                                      httpOnly: true, sameSite: .lax))
            return response
        } catch let failure as OpenIDProvider.Failure {
            logger.warning("identity provider unavailable", metadata: ["signin.reason": "\(failure.description)"])
            return try await loginPage(request, error: "The identity provider cannot be reached just now (\(failure.description)). Try again in a minute.",
                                       status: .badGateway)
        }
    }

    func finishSingleSignOn(_ request: Request, from address: String) async throws -> Response {
        let q = request.uri.queryParameters
        if let error = q["error"] {
            let detail = q["error_description"].map { String($0.prefix(200)) } ?? String(error.prefix(60))
            return refusedPage("The identity provider did not sign you in: \(detail).")
        }
        guard let code = q["code"].map(String.init), let state = q["state"].map(String.init), code.utf8.count <= 2_048, state.utf8.count <= 256 else {
            return refusedPage("The identity provider's answer is incomplete. Start again.")
        }
        let result: SingleSignOnResult
        do {
            result = try await engine.completeSingleSignOn(code: code, state: state, browserState: request.cookies[Self.stateCookie]?.value,
                                                           redirectURI: engine.singleSignOn?.settings.redirectURI ?? "", from: address)
        } catch let failure as OpenIDProvider.Failure {
            return refusedPage("The identity provider cannot be reached just now (\(failure.description)). Try again in a minute.", status: .badGateway)
        }
        guard case .signedIn(let token, let session, let next) = result else {
            if case .refused(let reason) = result { return refusedPage(reason) }
            return refusedPage("Sign-in refused.")
        }
        // A page, not a redirect: the session cookie is SameSite=Strict, which a browser
        // withholds for the rest of a redirect chain the provider started. The next
        // navigation starts here, so it carries the cookie.
        let body: HTML = """
        <p class="notice" role="status">Signed in as \(session.user.displayName) (\(session.user.role.rawValue)).</p>
        <p><a href="\(next)">Continue to the console</a></p>
        """
        var response = ConsoleHTTP.html(Layout.page(title: "Signed in", session: nil, body: body))
        response.headers[.init("Refresh")!] = "0;url=\(next)"
        let secure = ConsoleHTTP.isSecure(request)
        response.setCookie(ConsoleHTTP.cookie(ConsoleHTTP.sessionCookie, token, maxAge: 8 * 3_600, secure: secure))
        response.setCookie(Cookie(name: Self.stateCookie, value: "", maxAge: 0, path: "/console/sso", secure: secure, httpOnly: true, sameSite: .lax))
        return response
    }

    /// After signing out of Clearway, on to the provider's end-session page. A page, not a
    /// redirect: the sign-out form may only lead back to this console (`form-action 'self'`).
    func signedOutPage(_ endSession: String) -> Response {
        let body: HTML = """
        <p class="notice" role="status">Signed out of Clearway.</p>
        <p><a id="end-session" href="\(endSession)">Sign out at the identity provider too</a></p>
        """
        var response = ConsoleHTTP.html(Layout.page(title: "Signed out", session: nil, body: body))
        response.headers[.init("Refresh")!] = "0;url=\(endSession)"
        return response
    }

    func refusedPage(_ reason: String, status: HTTPResponse.Status = .forbidden) -> Response {
        let body: HTML = """
        \(Layout.notice(reason, error: true))
        <p><a href="/console/login">Back to sign-in</a></p>
        """
        return ConsoleHTTP.html(Layout.page(title: "Not signed in", session: nil, body: body), status: status)
    }
}
