import ClearwayCore
import ClearwayIntegration
import ClearwayStore
import Foundation

/// Console sign-in through the identity provider (OpenID Connect, Authorization Code with
/// PKCE, `state` and `nonce`), and the provider's access tokens for systems.
public final class SingleSignOn: Sendable {
    public let settings: SingleSignOnSettings
    public let provider: OpenIDProvider
    /// How long a sign-in sent to the provider may take to come back.
    static let pendingSeconds = 600.0

    public init(_ settings: SingleSignOnSettings, refetchSeconds: Double = 30) {
        self.settings = settings
        self.provider = OpenIDProvider(issuer: settings.issuer, refetchSeconds: refetchSeconds)
    }
}

/// What became of a sign-in through the provider.
public enum SingleSignOnResult: Sendable {
    case signedIn(token: String, session: ConsoleSession, next: String)
    /// Refused, with a sentence the person can act on.
    case refused(String)
}

extension ClearwayEngine {
    /// Starts a sign-in: keeps a new state, nonce and PKCE verifier and returns the
    /// provider's address to send the browser to, with the state (for a cookie that ties
    /// the answer to this browser).
    public func beginSingleSignOn(next: String, redirectURI: String) async throws -> (url: String, state: String) {
        guard let sso = singleSignOn else { throw EngineError.conflict("single sign-on is not configured") }
        // An unreachable provider throws `OpenIDProvider.Failure`, naming what failed.
        let endpoints = try await sso.provider.discover()
        let state = APIKeySecret.generate(), nonce = APIKeySecret.generate(), verifier = APIKeySecret.generate() + APIKeySecret.generate()
        let now = sessionClock.now()
        // Only a path of this console, in plain characters: it ends up in a header and a link.
        let plain = next.utf8.count <= 512 && next.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") }
        let safeNext = plain && next.hasPrefix("/console") && !next.hasPrefix("//") ? next : "/console"
        try await database.transaction { tx in
            try await tx.savePendingSignIn(state: state, PendingSignIn(nonce: nonce, verifier: verifier, next: safeNext), at: now,
                                           expiredBefore: now.adding(seconds: -SingleSignOn.pendingSeconds))
        }
        let query = [("response_type", "code"), ("client_id", sso.settings.clientId), ("redirect_uri", redirectURI),
                     ("scope", sso.settings.scopes.joined(separator: " ")), ("state", state), ("nonce", nonce),
                     ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256")]
        return (URLText.adding(query, to: endpoints.authorization), state)
    }

    /// Completes a sign-in the provider sent back: the state must be this browser's and
    /// unused, the code is exchanged with the verifier, the ID token's signature and claims
    /// are checked, and the role comes from the mapped claim on every sign-in. A person is
    /// provisioned on first sign-in. Every outcome is audited.
    public func completeSingleSignOn(code: String, state: String, browserState: String?, redirectURI: String,
                                     from address: String) async throws -> SingleSignOnResult {
        guard let sso = singleSignOn else { throw EngineError.conflict("single sign-on is not configured") }
        let now = sessionClock.now()
        guard let browserState, browserState == state else { return .refused("This sign-in was not started in this browser. Start again.") }
        guard let pending = try await database.transaction({ tx in
            try await tx.takePendingSignIn(state: state, notBefore: now.adding(seconds: -SingleSignOn.pendingSeconds))
        }) else { return .refused("This sign-in expired or was already used. Start again.") }
        let claims: [String: JSONValue]
        do {
            let idToken = try await sso.provider.exchange(code: code, verifier: pending.verifier, redirectURI: redirectURI,
                                                          clientId: sso.settings.clientId, secret: sso.settings.clientSecret)
            claims = try await sso.provider.verifiedClaims(idToken, now: now)
        } catch let failure as OpenIDProvider.Failure {
            return try await refuse("The identity provider's answer was refused: \(failure.description).", address: address, now: now)
        }
        if let problem = TokenClaims.idTokenProblem(claims, settings: sso.settings, nonce: pending.nonce, now: now) {
            return try await refuse("The identity provider's answer was refused: \(problem).", address: address, now: now)
        }
        let sub = claims["sub"]?.stringValue ?? ""
        let who = claims["email"]?.stringValue ?? claims["preferred_username"]?.stringValue ?? sub
        guard let role = TokenClaims.role(claims, claim: sso.settings.roleClaim, mapping: sso.settings.roles) else {
            let known = sso.settings.roles.keys.sorted().joined(separator: ", ")
            return try await refuse("\(who) is signed in at the identity provider, but none of their \(sso.settings.roleClaim) maps to a "
                                    + "Clearway role. Ask an administrator to add you to one of: \(known).", address: address, now: now)
        }
        return try await openSingleSignOnSession(claims: claims, role: role, settings: sso.settings, next: pending.next, address: address, now: now)
    }

    func openSingleSignOnSession(claims: [String: JSONValue], role: Role, settings: SingleSignOnSettings, next: String,
                                 address: String, now: Instant) async throws -> SingleSignOnResult {
        let sub = claims["sub"]?.stringValue ?? "", subject = "\(settings.issuer)|\(sub)"
        let preferred = claims["preferred_username"]?.stringValue ?? claims["email"]?.stringValue ?? sub
        let name = claims["name"]?.stringValue ?? preferred
        let policyVersion = policy.version, claim = settings.roleClaim
        return try await database.transaction { tx -> SingleSignOnResult in
            var user: ConsoleUser
            if let (known, disabled) = try await tx.user(ssoSubject: subject) {
                guard !disabled else { return .refused("The Clearway account for \(preferred) is disabled. Ask an administrator.") }
                user = known
                if known.role != role {
                    try await tx.setUserRole(id: known.id, role: role)
                    tx.audit(AuditEntry(at: now, actor: "system:single-sign-on", caseId: nil, exceptionId: nil, action: "user.role_changed",
                                        before: known.role.rawValue, after: role.rawValue,
                                        reason: "\(known.username) (\(known.id)): the \(claim) claim at sign-in", policyVersion: policyVersion))
                    user.role = role
                }
            } else {
                user = try await tx.provisionUser(ssoSubject: subject, preferred: preferred, displayName: name, role: role, at: now)
                tx.audit(AuditEntry(at: now, actor: "system:single-sign-on", caseId: nil, exceptionId: nil, action: "user.provisioned",
                                    after: role.rawValue, reason: "\(user.username) (\(user.id)) on first sign-in through \(settings.issuer)",
                                    policyVersion: policyVersion))
            }
            let opened = try await tx.openSession(for: user, at: now, lifetime: 8 * 3_600)
            tx.audit(AuditEntry(at: now, actor: user.principal.auditName, caseId: nil, exceptionId: nil, action: "session.signed_in",
                                reason: "single sign-on from \(address)", policyVersion: policyVersion))
            return .signedIn(token: opened.token, session: opened.session, next: next)
        }
    }

    func refuse(_ reason: String, address: String, now: Instant) async throws -> SingleSignOnResult {
        logger.notice("single sign-on refused", metadata: ["client.address": "\(address)", "signin.reason": "\(reason)"])
        let policyVersion = policy.version
        try await database.transaction { tx in
            tx.audit(AuditEntry(at: now, actor: "anonymous (\(address))", caseId: nil, exceptionId: nil, action: "session.refused",
                                reason: reason, policyVersion: policyVersion))
        }
        return .refused(reason)
    }

    /// Where to send a person who signed out, when they signed in through the provider
    /// (its end-session endpoint, RP-initiated logout), or nil.
    public func endSessionURL(for user: ConsoleUser, returnTo: String) async throws -> String? {
        guard let sso = singleSignOn, try await database.isSingleSignOnUser(id: user.id),
              let endpoint = try? await sso.provider.discover().endSession else { return nil }
        let query = [("client_id", sso.settings.clientId), ("post_logout_redirect_uri", returnTo)]
        return URLText.adding(query, to: endpoint)
    }

    /// The principal a provider's access token stands for (a system using client
    /// credentials), or why it is refused; nil when the API takes no access tokens.
    func accessTokenPrincipal(_ token: String) async throws -> Result<Principal, OpenIDProvider.Failure>? {
        guard let sso = singleSignOn, let audience = sso.settings.apiAudience else { return nil }
        let now = sessionClock.now()
        let claims: [String: JSONValue]
        do { claims = try await sso.provider.verifiedClaims(token, now: now) } catch let failure as OpenIDProvider.Failure { return .failure(failure) }
        if let problem = TokenClaims.accessTokenProblem(claims, issuer: sso.settings.issuer, audience: audience, now: now) {
            return .failure(OpenIDProvider.Failure(description: problem))
        }
        guard let role = TokenClaims.role(claims, claim: sso.settings.apiRoleClaim, mapping: sso.settings.apiRoles) else {
            return .failure(OpenIDProvider.Failure(description: "its \(sso.settings.apiRoleClaim) maps to no Clearway role"))
        }
        let name = claims["client_id"]?.stringValue ?? claims["azp"]?.stringValue ?? claims["sub"]?.stringValue ?? "client"
        return .success(Principal(id: "oidc:\(name.prefix(100))", name: String(name.prefix(100)), role: role))
    }
}
