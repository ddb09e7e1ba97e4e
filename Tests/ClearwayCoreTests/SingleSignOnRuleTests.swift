import ClearwayCore
import Testing

@Suite("Single sign-on rules")
struct SingleSignOnRuleTests {
    static let settings = SingleSignOnSettings(issuer: "https://idp.example.com/", clientId: "clearway", redirectURI: "https://cw.example.com/console/sso/callback",
                                               roleClaim: "realm_access.roles", roles: ["cw-agents": .agent, "cw-admins": .admin, "cw-approvers": .approver])
    static let now = Instant(millis: 1_800_000_000_000)

    static func claims(_ extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var c: [String: JSONValue] = ["iss": .string("https://idp.example.com"), "aud": .string("clearway"), "sub": .string("u-1"),
                                      "exp": .number(1_800_000_300), "iat": .number(1_800_000_000), "nonce": .string("n-1")]
        c.merge(extra) { $1 }
        return c
    }

    @Test("an ID token for this sign-in passes; each wrong claim is named", arguments: [
        ([:], nil),
        (["iss": JSONValue.string("https://evil.example.com")], "issued by https://evil.example.com"),
        (["aud": .string("another-app")], "audience is another-app"),
        (["aud": .array([.string("clearway"), .string("other")]), "azp": .string("other")], "issued to other"),
        (["exp": .number(1_799_999_900)], "expired"),
        (["nonce": .string("n-2")], "nonce does not match"),
        (["iat": .number(1_800_000_500)], "issued in the future"),
        (["sub": .string("")], "names no subject"),
    ] as [([String: JSONValue], String?)])
    func idTokenClaims(_ change: [String: JSONValue], _ problem: String?) {
        let found = TokenClaims.idTokenProblem(Self.claims(change), settings: Self.settings, nonce: "n-1", now: Self.now)
        if let problem { #expect(found?.contains(problem) == true, "\(found ?? "accepted")") } else { #expect(found == nil) }
    }

    @Test("an expiry within a minute of the clock is tolerated (clock skew), not more")
    func leeway() {
        #expect(TokenClaims.idTokenProblem(Self.claims(["exp": .number(1_799_999_950)]), settings: Self.settings, nonce: "n-1", now: Self.now) == nil)
        #expect(TokenClaims.idTokenProblem(Self.claims(["exp": .number(1_799_999_930)]), settings: Self.settings, nonce: "n-1", now: Self.now) != nil)
    }

    @Test("the role is the most capable one the nested claim's values map to; none maps to nil")
    func roleFromClaim() {
        let both = Self.claims(["realm_access": .object(["roles": .array([.string("cw-agents"), .string("cw-admins"), .string("x")])])])
        #expect(TokenClaims.role(both, claim: "realm_access.roles", mapping: Self.settings.roles) == .admin)
        let none = Self.claims(["realm_access": .object(["roles": .array([.string("finance")])])])
        #expect(TokenClaims.role(none, claim: "realm_access.roles", mapping: Self.settings.roles) == nil)
        let scopes = Self.claims(["scope": .string("openid clearway.read")])
        #expect(TokenClaims.role(scopes, claim: "scope", mapping: ["clearway.read": .viewer]) == .viewer)
    }

    @Test("an access token for the API must carry the API's audience")
    func accessTokenAudience() {
        let token = Self.claims(["aud": .string("clearway-api"), "client_id": .string("erp-prod")])
        #expect(TokenClaims.accessTokenProblem(token, issuer: "https://idp.example.com", audience: "clearway-api", now: Self.now) == nil)
        #expect(TokenClaims.accessTokenProblem(token, issuer: "https://idp.example.com", audience: "other", now: Self.now)?.contains("audience") == true)
    }

    @Test("the role mapping names each bad entry")
    func roleMappingProblems() throws {
        #expect(try SingleSignOnSettings.roleMapping("a=admin, b = agent", option: "--oidc-roles") == ["a": .admin, "b": .agent])
        #expect(throws: ValidationFailure.self) { try SingleSignOnSettings.roleMapping("a=boss,b", option: "--oidc-roles") }
        do { _ = try SingleSignOnSettings.roleMapping("a=boss,b", option: "--oidc-roles") } catch {
            #expect(error.problems.map(\.detail) == ["\"boss\" is not a role; roles are viewer, agent, approver, supervisor, admin, integration, pricing_approver, credit_approver",
                                                     "\"b\" must be claim-value=role"])
        }
    }

    @Test("the PKCE challenge is the base64url SHA-256 of the verifier (value from Python's hashlib)")
    func pkce() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mJ92IGWjB7sKqEgchdWqXcM5HkmjY") == "5rHC5dP7bALINVIlYia-maaVhAREsCbBvwWnuv_4bEg")
    }
}
