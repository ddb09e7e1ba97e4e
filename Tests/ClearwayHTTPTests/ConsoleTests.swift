import ClearwayCore
import ClearwayEngine
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ClearwayHTTP

/// The console's guarantees without a browser: sign-in, sessions, CSRF, roles, escaping.
@Suite struct ConsoleTests {
    /// Signs in through the form and returns the session cookie header value.
    static func signIn(_ h: Harness, _ username: String, _ password: String) async throws -> (status: HTTPResponse.Status, cookie: String?, setCookie: String?) {
        let login = try await h.send(.get, "/console/login", as: nil)
        let loginCookie = try #require(login.headers[.setCookie]).split(separator: ";")[0]
        let csrf = String(loginCookie.split(separator: "=", maxSplits: 1)[1])
        let response = try await h.send(.post, "/console/login", as: nil, contentType: "application/x-www-form-urlencoded",
                                        body: "csrf=\(csrf)&next=%2Fconsole&username=\(username)&password=\(password)",
                                        headers: [.cookie: String(loginCookie)])
        let session = response.headers[values: .setCookie].first { $0.hasPrefix("clearway_session=") && !$0.hasPrefix("clearway_session=;") }
        return (response.status, session.map { String($0.split(separator: ";")[0]) }, session)
    }

    static func addPeople(_ h: Harness) async throws {
        _ = try await h.engine.database.createUser(username: "ann", displayName: "Ann <b>Agent</b>", role: .agent, password: "ann-password-12", at: h.clock.now(), by: "test setup", rounds: 1_000)
        _ = try await h.engine.database.createUser(username: "vic", displayName: "Vic Viewer", role: .viewer, password: "vic-password-12", at: h.clock.now(), by: "test setup", rounds: 1_000)
    }

    @Test(arguments: TestDatabaseKind.available)
    func pagesNeedASessionAndSignInSetsAStrictHttpOnlyCookie(kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            let anonymous = try await h.send(.get, "/console/queues/inventory", as: nil)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/console/login?next=%2Fconsole%2Fqueues%2Finventory")
            let login = try await h.send(.post, "/console/login", as: nil, contentType: "application/x-www-form-urlencoded",
                                         body: "csrf=x&username=ann&password=ann-password-12")
            #expect(login.status == .forbidden, "a sign-in without the form's own token is refused")
            let (status, cookie, setCookie) = try await Self.signIn(h, "ann", "ann-password-12")
            #expect(status == .seeOther)
            #expect(setCookie?.contains("HttpOnly") == true && setCookie?.contains("SameSite=Strict") == true)
            let page = try await h.send(.get, "/console", as: nil, headers: [.cookie: try #require(cookie)])
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Ann &lt;b&gt;Agent&lt;/b&gt;"), "names are escaped, never markup")
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func fiveFailedSignInsLockTheUsernameEvenWithTheRightPassword(kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            for _ in 0..<5 { #expect(try await Self.signIn(h, "ann", "wrong-password").status == .unauthorized) }
            #expect(try await Self.signIn(h, "ann", "ann-password-12").status == .unauthorized)
            h.clock.advance(seconds: 16 * 60)
            #expect(try await Self.signIn(h, "ann", "ann-password-12").status == .seeOther, "the lock lifts after 15 minutes")
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func formsWithoutTheSessionsCSRFTokenAreRefusedAndViewersCannotResolve(kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            try await h.post(events: Events.reference + [Events.seedOrder])
            let listed = try await h.get("/v1/cases?state=active")
            let c = try #require(listed.list("items").first)
            let caseId = try #require(c.str("id")), exceptionId = try #require(c.list("exceptions").first?.str("id"))
            let path = "/console/cases/\(caseId)/exceptions/\(exceptionId)/resolve"

            let ann = try #require(try await Self.signIn(h, "ann", "ann-password-12").cookie)
            let forged = try await h.send(.post, path, as: nil, contentType: "application/x-www-form-urlencoded",
                                          body: "csrf=forged&code=price_corrected", headers: [.cookie: ann])
            #expect(forged.status == .forbidden)

            let vic = try #require(try await Self.signIn(h, "vic", "vic-password-12").cookie)
            let casePage = String(buffer: try await h.send(.get, "/console/cases/\(caseId)", as: nil, headers: [.cookie: vic]).body)
            #expect(!casePage.contains(">Resolve<"), "a viewer is offered no resolve button")
            let csrf = try #require(casePage.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let refused = try await h.send(.post, path, as: nil, contentType: "application/x-www-form-urlencoded",
                                           body: "csrf=\(csrf)&code=price_corrected", headers: [.cookie: vic])
            #expect(refused.status == .forbidden)
            let detail = try await h.get("/v1/cases/\(caseId)")
            #expect(detail.list("exceptions").first?.str("state") == "open", "nothing changed")
        }
    }

    @Test func htmlInterpolationEscapesTextButKeepsMarkup() {
        let name = "<script>alert('x')</script> & \"co\""
        let inner: HTML = "<b>\(name)</b>"
        let page: HTML = "<p>\(inner)</p>"
        #expect(page.text == "<p><b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</b></p>")
    }
}
