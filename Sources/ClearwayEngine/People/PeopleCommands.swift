import ClearwayCore
import ClearwayStore

/// A person who signs in, with their routing profile (a default one when none is set).
public struct PersonEntry: Sendable, Hashable {
    public var user: ConsoleUser
    public var profile: PersonProfile
}

extension ClearwayEngine {
    /// Everyone who signs in, with their profile.
    public func roster(by principal: Principal) async throws -> [PersonEntry] {
        try authorize(principal, .readCases)
        let profiles = Dictionary(try await database.people().map { ($0.username, $0) }, uniquingKeysWith: { a, _ in a })
        return try await database.users().map { PersonEntry(user: $0, profile: profiles[$0.username] ?? PersonProfile(username: $0.username)) }
    }

    public func person(_ username: String, by principal: Principal) async throws -> PersonEntry {
        guard let entry = try await roster(by: principal).first(where: { $0.user.username == username }) else {
            throw EngineError.notFound(what: "person", id: username)
        }
        return entry
    }

    /// Saves a person's profile. Supervisors and admins change anyone's; a person may change
    /// only their own availability. Every problem is named by field; the change is audited
    /// with what changed, and routing runs at once so an absence or a return takes effect.
    @discardableResult
    public func savePerson(_ profile: PersonProfile, by principal: Principal) async throws -> PersonEntry {
        try authorize(principal, .workExceptions)
        let policy = self.policy, now = clock.now()
        let everyone = try await roster(by: principal)
        guard let current = everyone.first(where: { $0.user.username == profile.username }) else {
            throw EngineError.notFound(what: "person", id: profile.username)
        }
        if !principal.role.allows(.assignOthers) {
            guard principal.name == profile.username else {
                throw EngineError.forbidden("role \(principal.role.rawValue) may change only its own availability; supervisors manage people")
            }
            var own = current.profile
            own.availability = profile.availability
            guard own == profile else { throw EngineError.forbidden("you may change only your own availability; a supervisor sets skills and capacity") }
        }
        let profiles = Dictionary(everyone.map { ($0.user.username, $0.profile) }, uniquingKeysWith: { a, _ in a })
        let problems = profile.problems(policy: policy, people: profiles, users: Set(everyone.map(\.user.username)))
        guard problems.isEmpty else { throw EngineError.invalidFields(problems) }
        let changed = PersonProfile.changedFields(current.profile, profile)
        guard !changed.isEmpty else { return current }
        try await database.transaction { tx in
            try await tx.savePerson(profile, actor: principal.auditName, at: now)
            tx.audit(AuditEntry(at: now, actor: principal.auditName, caseId: nil, exceptionId: nil, action: "person.profile_changed",
                                before: current.profile.summary(at: now), after: profile.summary(at: now),
                                reason: "\(profile.username): changed " + changed.joined(separator: ", "), policyVersion: policy.version))
        }
        try await routeWork()
        return PersonEntry(user: current.user, profile: profile)
    }
}

extension PersonProfile {
    static func changedFields(_ a: PersonProfile, _ b: PersonProfile) -> [String] {
        var out: [String] = []
        if a.skills != b.skills { out.append("skills") }
        if a.capacity != b.capacity { out.append("capacity") }
        if a.calendar != b.calendar { out.append("calendar") }
        if a.availability != b.availability { out.append("availability") }
        return out
    }

    /// One line for the audit log: skills, capacity and availability.
    func summary(at now: Instant) -> String {
        let parts = [skills.queues.sorted().joined(separator: "+")] + [skills.types, skills.sites, skills.segments, skills.accounts]
            .filter { !$0.isEmpty }.map { $0.sorted().joined(separator: "+") }
        return "skills \(parts.joined(separator: " / ")); capacity \(WorkRouter.amount(capacity)); \(availability.label(at: now))"
    }
}
