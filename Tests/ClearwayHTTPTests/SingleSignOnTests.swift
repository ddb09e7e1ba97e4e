import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import Hummingbird
import Synchronization
import HummingbirdTesting
import Testing

/// Console sign-in and API access through a real OpenID provider on loopback.
@Suite("Single sign-on through an OpenID provider", .enabled(if: MockIdentityProvider.available))
struct SingleSignOnTests {
    static let redirectURI = "http://clearway.test/console/sso/callback"
    /// The provider signs with the real time, so Clearway's clock starts there.
    static var now: Instant { Instant(Date()) }

    static func settings(_ provider: MockIdentityProvider, localPasswords: Bool = true) -> SingleSignOnSettings {
        SingleSignOnSettings(issuer: provider.issuer, clientId: "clearway-console", redirectURI: redirectURI, clientSecret: "console-secret",
                             roleClaim: "groups", roles: ["clearway-agents": .agent, "clearway-supervisors": .supervisor],
                             localPasswords: localPasswords, apiAudience: "clearway-api", apiRoleClaim: "groups",
                             apiRoles: ["clearway-readers": .viewer])
    }

    /// Plays the browser from the console's sign-in link to the signed-in page: returns the
    /// callback's answer and the session cookie it set.
    static func signIn(_ h: Harness, _ provider: MockIdentityProvider, as sub: String,
                       next: String = "/console/work") async throws -> (TestResponse, session: String?, callback: String, state: String) {
        let start = try await h.send(.get, "/console/sso/start?next=\(next)", as: nil)
        #expect(start.status == .found)
        let authorize = try #require(start.headers[.location])
        #expect(authorize.hasPrefix(provider.issuer + "/oauth2/authorize?"))
        for part in ["code_challenge_method=S256", "code_challenge=", "nonce=", "state=", "client_id=clearway-console"] {
            #expect(authorize.contains(part), "the request carries \(part)")
        }
        let state = try #require(cookie(start, "clearway_sso"))
        let back = try await provider.authorize(authorize, as: sub)
        #expect(back.hasPrefix(redirectURI))
        let callback = String(back.dropFirst("http://clearway.test".count))
        let answer = try await h.send(.get, callback, as: nil, headers: [.cookie: "clearway_sso=\(state)"])
        return (answer, cookie(answer, "clearway_session"), callback, state)
    }

    static func cookie(_ response: TestResponse, _ name: String) -> String? {
        response.headers[values: .setCookie].compactMap { line -> String? in
            guard line.hasPrefix(name + "=") else { return nil }
            return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
        }.first { !$0.isEmpty }
    }

    static func page(_ h: Harness, _ path: String, session: String) async throws -> (HTTPResponse.Status, String) {
        let response = try await h.send(.get, path, as: nil, headers: [.cookie: "clearway_session=\(session)"])
        return (response.status, String(buffer: response.body))
    }

    static func audit(_ h: Harness) async throws -> [String] {
        try await h.engine.database.read { sql in
            try await sql.raw("SELECT action, actor, before_state, after_state, reason FROM audit_log ORDER BY seq").all().map {
                [try $0.decode(column: "action", as: String.self), try $0.decode(column: "actor", as: String.self),
                 try $0.decode(column: "before_state", as: String?.self) ?? "", try $0.decode(column: "after_state", as: String?.self) ?? "",
                 try $0.decode(column: "reason", as: String?.self) ?? ""].joined(separator: " | ")
            } }
    }

    @Test("a person signs in through the provider: provisioned on first sign-in with the role their group maps to, the role follows the group on the next sign-in, every step audited",
          arguments: TestDatabaseKind.available)
    func signInProvisionsAndFollowsGroups(_ kind: TestDatabaseKind) async throws {
        try await MockIdentityProvider.with { provider in try await Harness.run(kind, singleSignOn: SingleSignOn(Self.settings(provider)), start: Self.now) { h in
            h.clock.set(Self.now)   // setting up a database under load takes a while
            try await provider.setUser("alice", ["email": "alice@example.com", "name": "Alice Agent", "groups": ["clearway-agents", "finance"]])
            let (answer, session, callback, state) = try await Self.signIn(h, provider, as: "alice")
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            #expect(answer.headers[.init("Refresh")!] == "0;url=/console/work")
            let work = try await Self.page(h, "/console/work", session: try #require(session))
            #expect(work.0 == .ok)
            #expect(work.1.contains("Alice Agent"))
            // An agent may not see the deliveries page; a supervisor may.
            #expect(try await Self.page(h, "/console/deliveries", session: try #require(session)).0 == .forbidden)

            // The same answer again, or from another browser, signs no one in.
            let replay = try await h.send(.get, callback, as: nil, headers: [.cookie: "clearway_sso=\(state)"])
            #expect(replay.status == .forbidden)
            #expect(String(buffer: replay.body).contains("expired or was already used"))

            try await provider.setUser("alice", ["email": "alice@example.com", "name": "Alice Agent", "groups": ["clearway-supervisors"]])
            let again = try await Self.signIn(h, provider, as: "alice")
            #expect(try await Self.page(h, "/console/deliveries", session: try #require(again.session)).0 == .ok)

            let trail = try await Self.audit(h)
            #expect(trail.contains { $0.hasPrefix("user.provisioned | system:single-sign-on |  | agent | alice") })
            #expect(trail.contains { $0.hasPrefix("user.role_changed | system:single-sign-on | agent | supervisor | alice") })
            #expect(trail.filter { $0.hasPrefix("session.signed_in") && $0.contains("single sign-on") }.count == 2)
        } }
    }

    @Test("a person whose groups map to no role is refused with a page that says what to ask for; an answer not started in this browser is refused")
    func unmappedAndForeignBrowser() async throws {
        try await MockIdentityProvider.with { provider in try await Harness.run(.sqlite, singleSignOn: SingleSignOn(Self.settings(provider)), start: Self.now) { h in
            h.clock.set(Self.now)   // setting up a database under load takes a while
            try await provider.setUser("bob", ["email": "bob@example.com", "groups": ["finance"]])
            let (answer, session, _, _) = try await Self.signIn(h, provider, as: "bob")
            #expect(answer.status == .forbidden)
            let text = String(buffer: answer.body)
            #expect(text.contains("bob@example.com is signed in at the identity provider, but none of their groups maps to a Clearway role"))
            #expect(text.contains("clearway-agents, clearway-supervisors"))
            #expect(session == nil)
            #expect(try await Self.audit(h).contains { $0.hasPrefix("session.refused") && $0.contains("bob@example.com") })

            // A callback without the state cookie (a link someone else started) is refused.
            let start = try await h.send(.get, "/console/sso/start", as: nil)
            let back = try await provider.authorize(try #require(start.headers[.location]), as: "bob")
            let foreign = try await h.send(.get, String(back.dropFirst("http://clearway.test".count)), as: nil)
            #expect(foreign.status == .forbidden)
            #expect(String(buffer: foreign.body).contains("not started in this browser"))
        } }
    }

    @Test("the provider's new signing key is fetched when a token names it (key rotation)")
    func keyRotation() async throws {
        let first = try await MockIdentityProvider.start()
        let port = first.port
        let second = Mutex<MockIdentityProvider?>(nil)
        defer { first.killNow(); second.withLock { $0?.killNow() } }
        let sso = SingleSignOn(Self.settings(first))
        try await Harness.run(.sqlite, singleSignOn: sso, start: Self.now) { h in
            h.clock.set(Self.now)   // setting up a database under load takes a while
            try await first.setUser("carol", ["groups": ["clearway-agents"]])
            #expect(try await Self.signIn(h, first, as: "carol").session != nil)
            await first.stop()
            // The provider restarts with a new key, on the same address.
            let rotated = try await MockIdentityProvider.start(port: port)
            second.withLock { $0 = rotated }
            try await rotated.setUser("carol", ["groups": ["clearway-agents"]])
            // Keys are fetched again at most every 30 s: a minute later, the new one is taken.
            h.clock.advance(seconds: 60)
            let (answer, session, _, _) = try await Self.signIn(h, rotated, as: "carol")
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            #expect(session != nil)
        }
    }

    @Test("local passwords turned off: the form is gone and a password sign-in is refused")
    func passwordsOff() async throws {
        try await MockIdentityProvider.with { provider in try await Harness.run(.sqlite, singleSignOn: SingleSignOn(Self.settings(provider, localPasswords: false)), start: Self.now) { h in
            h.clock.set(Self.now)   // setting up a database under load takes a while
            let login = String(buffer: try await h.send(.get, "/console/login", as: nil).body)
            #expect(login.contains("Sign in with single sign-on (127.0.0.1)"))
            #expect(!login.contains("type=\"password\""))
            _ = try await h.engine.database.createUser(username: "dana", displayName: "Dana", role: .agent, password: "a long enough password 1",
                                                      at: h.clock.now(), by: "test", rounds: 1_000)
            let result = try await h.engine.signIn(username: "dana", password: "a long enough password 1", from: "127.0.0.1")
            guard case .passwordsOff = result else { Issue.record("a password signed in: \(result)"); return }
        } }
    }

    @Test("systems present the provider's tokens instead of API keys: the audience is checked, expiry enforced, the role mapped")
    func accessTokens() async throws {
        try await MockIdentityProvider.with { provider in try await Harness.run(.sqlite, singleSignOn: SingleSignOn(Self.settings(provider)), start: Self.now) { h in
            h.clock.set(Self.now)   // setting up a database under load takes a while
            try await provider.setUser("reporting", ["groups": ["clearway-readers"]])
            let token = try await provider.idToken(for: "clearway-api", as: "reporting")
            let ok = try await h.send(.get, "/v1/queues", as: nil, headers: [.authorization: "Bearer \(token)"])
            #expect(ok.status == .ok, "\(String(buffer: ok.body))")
            // A viewer may not send events.
            let denied = try await h.send(.post, "/v1/events", as: nil, contentType: "application/cloudevents-batch+json",
                                          body: "[" + Events.reference[0] + "]", headers: [.authorization: "Bearer \(token)"])
            #expect(denied.status == .forbidden)

            let foreign = try await provider.idToken(for: "another-app", as: "reporting")
            let wrongAudience = try await h.send(.get, "/v1/queues", as: nil, headers: [.authorization: "Bearer \(foreign)"])
            #expect(wrongAudience.status == .unauthorized)
            #expect(String(buffer: wrongAudience.body).contains("its audience is another-app, not clearway-api"))

            var tampered = token
            tampered.removeLast(4)
            tampered += "AAAA"
            let forged = try await h.send(.get, "/v1/queues", as: nil, headers: [.authorization: "Bearer \(tampered)"])
            #expect(forged.status == .unauthorized)

            h.clock.advance(seconds: 2 * 3_600)
            let expired = try await h.send(.get, "/v1/queues", as: nil, headers: [.authorization: "Bearer \(token)"])
            #expect(expired.status == .unauthorized)
            #expect(String(buffer: expired.body).contains("it expired"))
        } }
    }
}
