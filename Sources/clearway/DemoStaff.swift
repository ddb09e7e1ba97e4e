import ClearwayCore
import ClearwayEngine
import ClearwaySimulator
import Foundation

/// The demo's simulated desk as real people in Clearway: a sign-in, a routing profile
/// (skills, capacity) and an API key each, so the record shows who took what.
enum DemoStaff {
    static let admin = Principal(id: "demo", name: "Clearway demo", role: .admin)

    /// Creates each person and returns their keys by username. The demo's own agent sign-in
    /// gets every queue, so Get next works for whoever tries it.
    static func create(_ staff: [DeskPerson], engine: ClearwayEngine, at now: Instant) async throws -> [String: String] {
        var keys: [String: String] = [:]
        for person in staff {
            _ = try await engine.database.createUser(username: person.username, displayName: person.displayName, role: .agent,
                                                     password: "demo-" + APIKeySecret.generate(), at: now, by: "system:demo", rounds: 1_000)
            let secret = APIKeySecret.generate()
            _ = try await engine.database.createAPIKey(name: person.username, role: .agent, secret: secret, at: now, by: "system:demo")
            keys[person.username] = secret
            let queues = Set(person.queues).intersection(engine.policy.queues)
            try await engine.savePerson(PersonProfile(username: person.username, skills: Skills(queues: queues), capacity: person.capacity), by: admin)
        }
        let allQueues = Set(engine.policy.queues)
        try await engine.savePerson(PersonProfile(username: "agent", skills: Skills(queues: allQueues), capacity: 10), by: admin)
        return keys
    }

    static func summary(_ staff: [DeskPerson]) -> String {
        guard !staff.isEmpty else { return "Nobody works the desk (--staffing 0): the backlog only grows.\n" }
        let names = staff.map { "\($0.displayName) (\($0.queues.joined(separator: ", ")))" }.joined(separator: "; ")
        return "The desk: \(names). Change it with --staffing N; see /console/workload.\n"
    }
}
