import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayIntelligence
import ClearwayStore
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import ClearwayHTTP

/// The smaller doors: what is shown, what is written to files, which secrets are kept,
/// how long a key or a session lives, and what a slow or noisy client can hold.
@Suite("Hardening")
struct HardeningTests {
    @Test("connector URLs are listed without credentials or query strings")
    func connectorURLsAreRedacted() async throws {
        try await Harness.run(.sqlite) { h in
            let settings = ConnectorSettings(url: "https://svc:pa55word@erp.example/clearway?token=s3cret")
            h.engine.connectors.register("erp", connector: HTTPConnector(client: h.engine.outbound, settings: settings), settings: settings)
            let text = String(buffer: try await h.send(.get, "/v1/connectors", as: .supervisor).body)
            #expect(text.contains("erp.example"))
            #expect(!text.contains("pa55word") && !text.contains("s3cret"))
        }
    }

    @Test("every CSV cell that could run as a formula is guarded, tab and carriage return included; examples read back unchanged")
    func csvCells() throws {
        for text in ["=1+1", "+cmd", "-x", "@SUM(A1)", "\t=1", "\r=1"] { #expect(CSVText.cell(text).hasPrefix("'") || CSVText.cell(text).hasPrefix("\"'"), "\(text.debugDescription)") }
        #expect(CSVText.cell("-12.5") == "-12.5" && CSVText.cell("plain") == "plain")
        let examples = LabelledTexts(texts: ["=HYPERLINK(\"http://x\")", "\tcancel my order", "fine"], labels: ["a", "b", "c"])
        let csv = examples.csv()
        #expect(!csv.contains("\n\"=") && !csv.contains(",\"=") && !csv.contains("\"\t"))
        let back = try LabelledTexts.read(csv: Array(csv.utf8), text: "text", label: "label")
        #expect(back.texts == examples.texts)
    }

    @Test("weak secrets are refused: a short bootstrap token, twelve spaces, a common password")
    func weakSecrets() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let clock = ManualClock(Harness.mondayNine)
            await #expect(throws: WeakBootstrapToken.self) {
                _ = try await AdminBootstrap.ensureAdminKey(database: database, token: "admintoken", clock: clock)
            }
            #expect(try await database.apiKeyCount() == 0, "nothing was stored")
            for password in [String(repeating: " ", count: 12), "password1234", "aaaaaaaaaaaaaaa"] {
                await #expect(throws: UserError.self) {
                    _ = try await database.createUser(username: "pat", displayName: "Pat", role: .agent, password: password, at: clock.now(),
                                                      by: "test setup", rounds: 1_000)
                }
            }
            _ = try await database.createUser(username: "pat", displayName: "Pat", role: .agent, password: "pat-chose-well-9", at: clock.now(),
                                              by: "test setup", rounds: 1_000)
        }
    }

    @Test("a revoked key stops working at once on this node, without waiting for the cache")
    func revocationIsImmediate() async throws {
        try await Harness.run(.sqlite) { h in
            let secret = "cw_soon-revoked-0123456789abcdefghijklmnop"
            let key = try await h.engine.database.createAPIKey(name: "temp", role: .viewer, secret: secret, at: h.clock.now(), by: "test setup")
            let auth: HTTPFields = [.authorization: "Bearer \(secret)"]
            #expect(try await h.send(.get, "/v1/cases", as: nil, headers: auth).status == .ok)
            #expect(try await h.engine.database.revokeAPIKey(id: key.id, at: h.clock.now(), by: "test setup"))
            #expect(try await h.send(.get, "/v1/cases", as: nil, headers: auth).status == .unauthorized)
        }
    }

    @Test("a key revoked on one node stops working on another as soon as the change is announced (PostgreSQL)")
    func revocationReachesOtherNodes() async throws {
        guard TestDatabaseKind.available.contains(.postgres) else { return }
        try await TestDatabase.withHandle(.postgres) { test in
            let nodeB = try await test.reopen()
            let clock = ManualClock(Harness.mondayNine)
            let secret = "cw_two-nodes-0123456789abcdefghijklmnopq"
            let key = try await test.database.createAPIKey(name: "temp", role: .viewer, secret: secret, at: clock.now(), by: "test setup")
            let authenticator = KeyAuthenticator(database: nodeB, clock: clock)
            #expect(try await authenticator.principal(for: secret) != nil, "cached on node B")
            let listening = Task { try await nodeB.listenForChanges() }
            _ = await nodeB.keyRevocations.next(after: 0, timeout: .seconds(30))
            let before = nodeB.keyRevocations.version
            #expect(try await test.database.revokeAPIKey(id: key.id, at: clock.now(), by: "test setup"))
            _ = await nodeB.keyRevocations.next(after: before, timeout: .seconds(30))
            #expect(try await authenticator.principal(for: secret) == nil, "node B no longer accepts it, inside its cache window")
            listening.cancel()
            await nodeB.close()
        }
    }

    @Test("a database URL that does not parse is shown without its password")
    func databasePasswordIsMasked() {
        for url in ["postgres://clearway:p#ss w0rd@", "mysql://admin:hunter2@db:3306/x", "postgres://u:a/b?c@host/db"] {
            do {
                _ = try DatabaseLocation(parsing: url)
                Issue.record("\(url) was accepted")
            } catch {
                let message = "\(error)"
                for secret in ["p#ss", "hunter2", "a/b?c"] { #expect(!message.contains(secret), "\(message)") }
            }
        }
    }

    @Test("behind a TLS proxy the session cookie is Secure; an idle session ends after 30 minutes")
    func cookiesAndIdleSessions() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            let login = try await h.send(.get, "/console/login", as: nil, headers: [.init("X-Forwarded-Proto")!: "https"])
            let loginCookie = try #require(login.headers[.setCookie])
            #expect(loginCookie.contains("Secure"))
            let csrf = String(loginCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
            let signedIn = try await h.send(.post, "/console/login", as: nil, contentType: "application/x-www-form-urlencoded",
                                            body: "csrf=\(csrf)&username=ann&password=ann-password-12",
                                            headers: [.cookie: "clearway_login=\(csrf)", .init("X-Forwarded-Proto")!: "https"])
            let session = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("clearway_session=") })
            #expect(session.contains("Secure"))
            let plain = try await ConsoleTests.signIn(h, "vic", "vic-password-12")
            #expect(plain.setCookie?.contains("Secure") == false, "plain HTTP (a laptop demo) keeps working")
            let cookie = String(session.split(separator: ";")[0])
            h.clock.advance(seconds: 29 * 60)
            #expect(try await h.send(.get, "/console", as: nil, headers: [.cookie: cookie]).status == .ok)
            h.clock.advance(seconds: 31 * 60)
            #expect(try await h.send(.get, "/console", as: nil, headers: [.cookie: cookie]).status == .seeOther, "idle for 31 minutes")
        }
    }

    @Test("a notice in the query is shown only if the server made it for this session")
    func noticesAreServerMade() async throws {
        try await Harness.run(.sqlite) { h in
            try await ConsoleTests.addPeople(h)
            let ann = try #require(try await ConsoleTests.signIn(h, "ann", "ann-password-12").cookie)
            let forged = String(buffer: try await h.send(.get, "/console/queues/pricing?done=Your+account+is+locked.+Call+555-0100", as: nil,
                                                         headers: [.cookie: ann]).body)
            #expect(!forged.contains("555-0100"))
            let token = String(ann.split(separator: "=", maxSplits: 1)[1])
            let session = try #require(try await h.engine.database.session(token: token, at: h.clock.now()))
            let made = String(buffer: try await h.send(.get, "/console/queues/pricing" + ConsoleHTTP.done("Comment added", session), as: nil,
                                                       headers: [.cookie: ann]).body)
            #expect(made.contains("Comment added"))
        }
    }

    @Test("an event log file over the size limit is refused by name before it is opened")
    func oversizedEventLog() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).sqlite").path
        FileManager.default.createFile(atPath: path, contents: Data("SQLite format 3\0".utf8))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(OCELSQLiteFile.maxBytes) + 1)
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try await OCELSQLiteFile.read(path: path, logger: Logger(label: "t"))
            Issue.record("an oversized file was opened")
        } catch let invalid as OCELSQLiteFile.Invalid {
            #expect(invalid.description.contains("at most"))
        }
        #expect(OCELSQLiteFile.readOnlyURI("/tmp/a?b#c%d.db") == "file:/tmp/a%3Fb%23c%25d.db?mode=ro&immutable=1")
    }

    @Test("failed API keys from one address are throttled after 20 within a minute, and forgiven after it")
    func failedKeyThrottle() {
        let throttle = FailedKeyThrottle()
        let t0 = Harness.mondayNine
        for _ in 0..<19 { throttle.recordFailure(from: "198.51.100.1", at: t0) }
        #expect(throttle.wait(for: "198.51.100.1", at: t0) == nil)
        throttle.recordFailure(from: "198.51.100.1", at: t0)
        #expect(throttle.wait(for: "198.51.100.1", at: t0.adding(seconds: 10)) == 50)
        #expect(throttle.wait(for: "198.51.100.2", at: t0) == nil, "other addresses are not affected")
        #expect(throttle.wait(for: "198.51.100.1", at: t0.adding(seconds: 61)) == nil)
    }

    @Test("heavy work beyond its limit is refused at once, not queued")
    func concurrencyLimit() async throws {
        let limit = ConcurrencyLimit(1)
        let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        async let first: Void = limit.run {
            enteredSignal.yield()
            for await _ in release { break }
        }
        for await _ in entered { break }
        await #expect(throws: EngineError.self) { try await limit.run { } }
        releaseSignal.yield()
        try await first
        try await limit.run { }
    }

    @Test("failed sign-ins are not logged one by one, and what was typed is never logged")
    func signInLogging() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let lines = LogLines()
            let logger = Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
            let engine = ClearwayEngine(database: database, policy: try DefaultPolicy.load(), clock: ManualClock(Harness.mondayNine), logger: logger)
            for _ in 0..<6 { _ = try await engine.signIn(username: "my-secret-password", password: "x-password-123", from: "203.0.113.1") }
            let logged = lines.all
            #expect(logged.count == 1, "one line for the lock-out: \(logged)")
            #expect(!logged.joined().contains("my-secret-password"))
        }
    }
}

final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        lines.append("\(message) \(metadata ?? [:])")
    }
}

@Suite("Client addresses behind proxies")
struct ClientAddressTests {
    @Test("X-Forwarded-For names the client only when the connection comes from a trusted proxy")
    func forwardedFor() {
        let addresses = ClientAddresses(trustedProxies: ["10.0.0.0/8", "192.0.2.10"])
        #expect(addresses.address(peer: "10.1.1.1", forwardedFor: "203.0.113.7, 10.2.2.2") == "203.0.113.7")
        #expect(addresses.address(peer: "192.0.2.10", forwardedFor: "198.51.100.4") == "198.51.100.4")
        #expect(addresses.address(peer: "198.51.100.1", forwardedFor: "1.2.3.4") == "198.51.100.1", "an untrusted peer cannot choose its address")
        #expect(addresses.address(peer: "10.1.1.1", forwardedFor: nil) == "10.1.1.1")
        #expect(addresses.address(peer: "10.1.1.1", forwardedFor: "not-an-address") == "10.1.1.1")
        #expect(ClientAddresses.problem("10.0.0.0/8") == nil && ClientAddresses.problem("::1") == nil)
        #expect(ClientAddresses.problem("proxy.local") != nil)
    }
}
