import ClearwayCore
import ClearwayStore
import Foundation

/// What became of a console sign-in.
public enum SignInResult: Sendable {
    case signedIn(token: String, session: ConsoleSession)
    /// Refused without saying whether the username exists; `locked` when the attempt was
    /// not even checked because the username or the address used up its failures.
    case refused(locked: Bool)
    /// Local passwords are turned off: people sign in through the identity provider.
    case passwordsOff
}

extension ClearwayEngine {
    /// Signs a person in to the console. In order:
    /// 1. a short write counts recent failures for the username and the client address and,
    ///    if both are under `SignInLimits`, records this attempt as a failure before the
    ///    password is checked, so parallel guesses cannot pass the limit;
    /// 2. the password is checked outside any transaction, one check at a time per node,
    ///    so sign-ins neither hold up writes nor take every core from intake;
    /// 3. success clears the username's failures, opens the session and audits the sign-in
    ///    in one transaction; a failure that locks a username or address is audited.
    public func signIn(username: String, password: String, from address: String,
                       limits: SignInLimits = .standard, sessionLifetime: Double = 8 * 3_600,
                       verify: @Sendable (String, String) async -> Bool = { PasswordHash.verify($0, against: $1) }) async throws -> SignInResult {
        if let sso = singleSignOn, !sso.settings.localPasswords { return .passwordsOff }
        let now = sessionClock.now(), policyVersion = policy.version
        let admission = try await database.transaction { tx in
            try await tx.serialiseSignIn(username: username, address: address)
            try await tx.pruneLoginFailures(before: now.adding(seconds: -limits.window))
            let failures = try await tx.loginFailures(username: username, address: address, since: now.adding(seconds: -limits.window))
            let admission = limits.admit(usernameFailures: failures.username, addressFailures: failures.address)
            if case .admitted = admission { try await tx.recordLoginFailure(username: username, address: address, at: now) }
            return admission
        }
        let stored = try await database.credentials(username: username)
        // Hash even for unknown users and refused attempts, so timing tells nothing.
        let hash = stored?.passwordHash ?? PasswordHash.placeholder
        let matches = try await passwordChecks.run { await verify(password, hash) }
        guard case .admitted(let locks) = admission else { return .refused(locked: true) }
        guard matches, let user = stored?.user else {
            if !locks.isEmpty { try await auditLockout(locks, username: username, address: address, at: now, policyVersion: policyVersion, limits: limits) }
            return .refused(locked: false)
        }
        let opened = try await database.transaction { tx in
            try await tx.clearLoginFailures(username: username)
            let opened = try await tx.openSession(for: user, at: now, lifetime: sessionLifetime)
            tx.audit(AuditEntry(at: now, actor: user.principal.auditName, caseId: nil, exceptionId: nil, action: "session.signed_in",
                                reason: "console sign-in from \(address)", policyVersion: policyVersion))
            return opened
        }
        return .signedIn(token: opened.token, session: opened.session)
    }

    /// Ends a console session; audited as the person whose session it was.
    public func signOut(token: String, from address: String) async throws {
        let now = sessionClock.now(), policyVersion = policy.version
        try await database.transaction { tx in
            guard let user = try await tx.closeSession(token: token) else { return }
            tx.audit(AuditEntry(at: now, actor: user.principal.auditName, caseId: nil, exceptionId: nil, action: "session.signed_out",
                                reason: "console sign-out from \(address)", policyVersion: policyVersion))
        }
    }

    func auditLockout(_ locks: [SignInLimits.Lock], username: String, address: String, at now: Instant,
                      policyVersion: String, limits: SignInLimits) async throws {
        // The typed username may be a password typed in the wrong field: it is kept only as
        // a hash that matches a known username's, never logged.
        let who = "username \(APIKeySecret.hash(username).prefix(12))"
        for lock in locks {
            let what = lock == .username ? who : "client address \(address)"
            let count = lock == .username ? limits.failuresPerUsername : limits.failuresPerAddress
            logger.warning("console sign-in locked", metadata: ["signin.lock": "\(lock.rawValue)", "client.address": "\(address)"])
            try await database.transaction { tx in
                tx.audit(AuditEntry(at: now, actor: "anonymous (\(address))", caseId: nil, exceptionId: nil, action: "session.locked_out",
                                    after: lock.rawValue, reason: "\(count) failed sign-ins in \(Int(limits.window / 60)) minutes for \(what)",
                                    policyVersion: policyVersion))
            }
        }
    }
}
