import ClearwayCore
import ClearwayEngine
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Synchronization
import Testing

/// Sign-in must neither hold up intake nor let guessing through: passwords are checked
/// outside the write turn, failures are counted per username and per client address
/// before any password is checked, and old failures are forgotten.
@Suite("Console sign-in limits")
struct SignInLimitTests {
    static func addAnn(_ h: Harness) async throws {
        _ = try await h.engine.database.createUser(username: "ann", displayName: "Ann", role: .agent, password: "ann-password-12",
                                                   at: h.clock.now(), by: "test setup", rounds: 1_000)
    }

    @Test("the password is checked while no write transaction holds the writer")
    func passwordCheckedOutsideTheWriteTurn() async throws {
        try await Harness.run(.sqlite) { h in
            try await Self.addAnn(h)
            let database = h.engine.database
            let heldDuringCheck = Mutex<Bool?>(nil)
            let result = try await h.engine.signIn(username: "ann", password: "ann-password-12", from: "203.0.113.5") { password, hash in
                heldDuringCheck.withLock { $0 = false }
                let held = await database.writeTurnHeld
                heldDuringCheck.withLock { $0 = held }
                return PasswordHash.verify(password, against: hash)
            }
            #expect(heldDuringCheck.withLock { $0 } == false)
            guard case .signedIn = result else { Issue.record("the right password was refused"); return }
        }
    }

    @Test("one address spraying a password over many usernames is stopped, and other addresses are not", arguments: TestDatabaseKind.available)
    func perAddressLimit(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addAnn(h)
            for i in 0..<20 {
                guard case .refused(locked: false) = try await h.engine.signIn(username: "user\(i)", password: "Summer2026!!", from: "198.51.100.7") else {
                    Issue.record("attempt \(i) was not simply refused"); return
                }
            }
            guard case .refused(locked: true) = try await h.engine.signIn(username: "ann", password: "ann-password-12", from: "198.51.100.7") else {
                Issue.record("the address went on being checked after 20 failures"); return
            }
            guard case .signedIn = try await h.engine.signIn(username: "ann", password: "ann-password-12", from: "198.51.100.8") else {
                Issue.record("another address was locked out too"); return
            }
        }
    }

    @Test("parallel guesses at one username are counted one after another: at most five are checked", arguments: TestDatabaseKind.available)
    func parallelGuessesCannotPassTheLimit(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addAnn(h)
            let checked = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        _ = try await h.engine.signIn(username: "ann", password: "guess-\(i)-wrong", from: "192.0.2.\(i)") { password, hash in
                            checked.add()
                            return PasswordHash.verify(password, against: hash)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Every attempt's hash is computed (timing), but only admitted ones count.
            let failures = try await h.engine.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM login_failures WHERE username = 'ann'").first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(failures == 5, "exactly the limit is recorded, however the guesses interleave")
            #expect(checked.value == 12)
            guard case .refused(locked: true) = try await h.engine.signIn(username: "ann", password: "ann-password-12", from: "192.0.2.99") else {
                Issue.record("the right password got through after the limit"); return
            }
        }
    }

    @Test("failures older than the window are pruned, so the table does not grow for ever", arguments: TestDatabaseKind.available)
    func oldFailuresArePruned(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            for i in 0..<30 { _ = try await h.engine.signIn(username: "nobody\(i)", password: "x-password-123", from: "198.51.100.\(i)") }
            h.clock.advance(seconds: 16 * 60)
            _ = try await h.engine.signIn(username: "someone", password: "x-password-123", from: "198.51.100.200")
            let left = try await h.engine.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM login_failures").first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(left == 1, "only the newest failure is left")
        }
    }

    @Test("sign-in, lock-out and sign-out each leave an audit row naming who or which address")
    func signInsAreAudited() async throws {
        try await Harness.run(.sqlite) { h in
            try await Self.addAnn(h)
            guard case .signedIn(let token, _) = try await h.engine.signIn(username: "ann", password: "ann-password-12", from: "203.0.113.9") else {
                Issue.record("sign-in failed"); return
            }
            try await h.engine.signOut(token: token, from: "203.0.113.9")
            for _ in 0..<5 { _ = try await h.engine.signIn(username: "ann", password: "wrong-password-1", from: "203.0.113.10") }
            let audit = try await h.engine.queries.auditEntries(limit: 50)
            let actions = audit.map { "\($0.action) \($0.actor)" }
            #expect(actions.contains { $0.hasPrefix("session.signed_in ann (") })
            #expect(actions.contains { $0.hasPrefix("session.signed_out ann (") })
            #expect(actions.contains("session.locked_out anonymous (203.0.113.10)"))
            #expect(!audit.contains { ($0.reason ?? "").contains("wrong-password") }, "what was typed is never recorded")
        }
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
