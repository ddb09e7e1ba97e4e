import Crypto
import Foundation

/// Single sign-on through an OpenID Connect provider (Entra ID, Okta, Keycloak, Google):
/// who the provider is, which claim says what a person may do, and whether local
/// passwords still work beside it. Systems may present the provider's access tokens too.
public struct SingleSignOnSettings: Sendable, Hashable {
    /// The provider's issuer URL; its discovery document is `<issuer>/.well-known/openid-configuration`.
    public var issuer: String
    public var clientId: String
    /// Where the provider sends people back: the console's public address + `/console/sso/callback`
    /// (registered at the provider).
    public var redirectURI: String
    /// Sent with the code exchange (HTTP Basic); nil for a public client (PKCE alone).
    public var clientSecret: String?
    /// Where the role comes from: a claim name, dotted for nested ones (`realm_access.roles`).
    public var roleClaim: String
    /// Claim value (a group or role name at the provider) → Clearway role.
    public var roles: [String: Role]
    public var scopes: [String]
    /// Whether people may still sign in with a Clearway password.
    public var localPasswords: Bool
    /// The audience access tokens for Clearway's API carry; nil: the API takes API keys only.
    public var apiAudience: String?
    /// The claim of an access token that names what a system may do (`scope` by default).
    public var apiRoleClaim: String
    /// Scope (or claim value) → role, for systems presenting access tokens.
    public var apiRoles: [String: Role]

    public init(issuer: String, clientId: String, redirectURI: String, clientSecret: String? = nil, roleClaim: String = "groups", roles: [String: Role],
                scopes: [String] = ["openid", "profile", "email"], localPasswords: Bool = true, apiAudience: String? = nil,
                apiRoleClaim: String = "scope", apiRoles: [String: Role] = [:]) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.clientId = clientId; self.redirectURI = redirectURI; self.clientSecret = clientSecret; self.roleClaim = roleClaim; self.roles = roles
        self.scopes = scopes; self.localPasswords = localPasswords; self.apiAudience = apiAudience
        self.apiRoleClaim = apiRoleClaim; self.apiRoles = apiRoles
    }

    /// Reads `value=role,value=role` (as in `CLEARWAY_OIDC_ROLES`), naming each bad entry.
    public static func roleMapping(_ text: String, option: String) throws(ValidationFailure) -> [String: Role] {
        var mapping: [String: Role] = [:]
        let sink = ProblemSink()
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                sink.add(option, "\"\(entry)\" must be claim-value=role"); continue
            }
            guard let role = Role(rawValue: parts[1]) else {
                sink.add(option, "\"\(parts[1])\" is not a role; roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))"); continue
            }
            mapping[parts[0]] = role
        }
        try sink.check()
        return mapping
    }
}

/// What the provider's tokens must say before Clearway trusts them. Signatures are
/// checked against the provider's keys elsewhere; these rules read the claims alone.
public enum TokenClaims {
    /// Clock difference tolerated between Clearway and the provider.
    public static let leewaySeconds = 60.0

    /// Why an ID token's claims are not acceptable for this sign-in, or nil.
    public static func idTokenProblem(_ claims: [String: JSONValue], settings: SingleSignOnSettings, nonce: String, now: Instant) -> String? {
        if let problem = common(claims, issuer: settings.issuer, audience: settings.clientId, now: now) { return problem }
        let audiences = strings(claims, "aud")
        // Several audiences: the token must have been issued to Clearway itself.
        if audiences.count > 1, claims["azp"]?.stringValue != settings.clientId { return "it was issued to \(claims["azp"]?.stringValue ?? "another client")" }
        guard claims["nonce"]?.stringValue == nonce else { return "its nonce does not match this sign-in (a replayed or foreign token)" }
        guard let sub = claims["sub"]?.stringValue, !sub.isEmpty, sub.utf8.count <= 255 else { return "it names no subject" }
        return nil
    }

    /// Why an access token presented to the API is not acceptable, or nil.
    public static func accessTokenProblem(_ claims: [String: JSONValue], issuer: String, audience: String, now: Instant) -> String? {
        if let problem = common(claims, issuer: issuer, audience: audience, now: now) { return problem }
        guard claims["sub"]?.stringValue ?? claims["client_id"]?.stringValue ?? claims["azp"]?.stringValue != nil else {
            return "it names no subject or client"
        }
        return nil
    }

    static func common(_ claims: [String: JSONValue], issuer: String, audience: String, now: Instant) -> String? {
        let iss = claims["iss"]?.stringValue.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        guard iss == issuer else { return "it was issued by \(iss ?? "no one") instead of \(issuer)" }
        guard strings(claims, "aud").contains(audience) else { return "its audience is \(strings(claims, "aud").joined(separator: ", ")), not \(audience)" }
        guard let exp = number(claims["exp"]) else { return "it has no expiry" }
        let seconds = Double(now.millis) / 1000
        guard exp + leewaySeconds > seconds else { return "it expired" }
        if let nbf = number(claims["nbf"]), nbf - leewaySeconds > seconds { return "it is not valid yet" }
        if let iat = number(claims["iat"]), iat - leewaySeconds > seconds { return "it was issued in the future" }
        return nil
    }

    static func number(_ value: JSONValue?) -> Double? {
        if case .number(let n)? = value { return n }
        return nil
    }

    /// The values of a claim: a string (split on spaces for `scope`), or an array of them;
    /// `path` may be dotted for a nested claim.
    public static func strings(_ claims: [String: JSONValue], _ path: String) -> [String] {
        var value: JSONValue? = .object(claims)
        for key in path.split(separator: ".") { value = value?[String(key)] }
        switch value {
        case .string(let s)?: return path == "scope" || path == "scp" ? s.split(separator: " ").map(String.init) : [s]
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return []
        }
    }

    /// The role the claim grants: the most capable one its values map to, or nil.
    public static func role(_ claims: [String: JSONValue], claim: String, mapping: [String: Role]) -> Role? {
        let granted = Set(strings(claims, claim).compactMap { mapping[$0] })
        return Role.byReach.first { granted.contains($0) }
    }
}

extension Role {
    /// Roles from the one that may do most to the one that may do least: when a person's
    /// groups map to several, the first of these wins.
    public static let byReach: [Role] = [.admin, .supervisor, .approver, .pricingApprover, .creditApprover, .agent, .integration, .viewer]
}

/// Proof Key for Code Exchange (RFC 7636, S256): the sign-in keeps a random verifier and
/// sends its hash, so a stolen authorization code is useless to anyone else.
public enum PKCE {
    public static func challenge(for verifier: String) -> String {
        URLText.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }
}
