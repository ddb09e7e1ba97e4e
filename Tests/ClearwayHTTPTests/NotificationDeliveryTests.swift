import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwayTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import NIOCore
import Logging
import Testing

/// Notifications leaving the console, against real receivers on loopback (an SMTP server
/// with STARTTLS and AUTH, and Slack and Teams webhook receivers that check each
/// service's payload shape; Tests/Peers/notification_peers.py, started by `.ci/run`).
@Suite("Notification delivery", .serialized, .enabled(if: NotificationPeers.available || NotificationPeers.required))
struct NotificationDeliveryTests {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    /// The shipped policy, with the receivers' loopback address allowed for webhooks.
    static func policy() throws -> Policy {
        var policy = try DefaultPolicy.load()
        policy.outbound.allow.append("127.0.0.1")
        return policy
    }

    static func mailServer(port: Int? = nil) throws -> MailServer {
        let peers = try NotificationPeers.load()
        return MailServer(host: "localhost", port: port ?? peers.smtpPort, security: .required, username: peers.user, password: peers.password,
                          from: "clearway@example.test", caFile: peers.ca)
    }

    static func person(_ name: String, _ role: Role) -> Principal { Principal(id: "usr_\(name)", name: name, role: role) }

    /// Ten orders at DC-CHI, each with three exceptions, all past breach + 4h by Wednesday.
    static func burst(_ h: Harness) async throws {
        let orders = (1...10).map { n in
            Events.event("erp", "order-so-\(n)", "clearway.order.created.v1", """
                {"orderId":"SO-\(n)","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-25",
                 "lane":"CHI-DET","lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":100,"unitOfMeasure":"EA","unitPrice":11.95},
                 {"lineNumber":2,"sku":"WIRE-2","quantity":10,"unitOfMeasure":"EA","unitPrice":40}]}
                """)
        }
        try await h.post(events: Events.reference + orders)
        h.clock.set(Self.at("2026-11-25T22:00:00Z"))
        _ = try await h.engine.fireDueTimers()
    }

    static func people(_ h: Harness, email: Bool = true) async throws {
        for (name, role) in [("sam", Role.supervisor), ("dana", .agent)] {
            _ = try await h.engine.database.createUser(username: name, displayName: name.capitalized, role: role, password: "\(name)-password-12",
                                                       at: h.clock.now(), by: "test setup", rounds: 1_000)
            if email {
                try await h.engine.database.saveNotificationPreferences(NotificationPreferences(email: "\(name)@example.test"), for: name,
                                                                      key: h.engine.dataKey, actor: "test setup", at: h.clock.now())
            }
        }
    }

    @Test("a burst of breaches reaches a supervisor as one digest mail, over STARTTLS with AUTH, linking each case; nothing is sent twice",
          arguments: TestDatabaseKind.available)
    func digestMail(_ kind: TestDatabaseKind) async throws {
        try await NotificationPeers.reset()
        try await Harness.run(kind, policy: try Self.policy()) { h in
            try await Self.people(h)
            h.engine.configureNotifications(NotificationChannels(mail: try Self.mailServer(), publicURL: "https://clearway.example.test"))
            try await Self.burst(h)
            let told = try await h.engine.notifications(by: Self.person("sam", .supervisor), limit: 500).items
            let emailed = told.filter { [.breached, .escalation].contains($0.trigger) }
            #expect(emailed.count == 60, "\(told.count) notifications")
            let dispatcher = OutboxDispatcher(engine: h.engine)
            _ = try await dispatcher.dispatchOnce()
            #expect(try await NotificationPeers.received().mails.isEmpty, "nothing leaves before the digest window ends")
            h.clock.set(Self.at("2026-11-25T22:15:00Z"))
            _ = try await dispatcher.dispatchOnce()
            _ = try await dispatcher.dispatchOnce()
            let mails = try await NotificationPeers.received().mails
            #expect(mails.count == 1, "\(mails.map(\.subject))")
            let mail = try #require(mails.first)
            #expect(mail.to == ["sam@example.test"] && mail.from == "clearway@example.test")
            #expect(mail.subject == "[Clearway] 60 notifications: 30 breached, 30 escalations")
            #expect(mail.tls && mail.authenticated)
            #expect(mail.text.contains("https://clearway.example.test/console/cases/") && mail.html.contains("<a href=\"https://clearway.example.test/console/cases/"))
            #expect(mail.text.contains("…and 35 more."))
            h.clock.set(Self.at("2026-11-26T02:00:00Z"))
            _ = try await dispatcher.dispatchOnce()
            #expect(try await NotificationPeers.received().mails.count == 1, "a notification already sent is not sent again")
            let sent = try await h.engine.queries.auditEntries(limit: 2_000).filter { $0.action == "notification.sent" }
            #expect(sent.count == 1)
            #expect(sent.first?.detail?["recipient"] == .string("sam") && sent.first?.detail?["channel"] == .string("email"))
            #expect(sent.first?.detail?["triggers"] == .array([.string("breached"), .string("escalation")]))
        }
    }

    @Test("Slack and Teams receive each service's own payload for the triggers a person chose through the API", arguments: TestDatabaseKind.available)
    func chat(_ kind: TestDatabaseKind) async throws {
        try await NotificationPeers.reset()
        let receiver = try NotificationPeers.load().receiver
        try await Harness.run(kind, policy: try Self.policy()) { h in
            try await Self.people(h, email: false)
            _ = try await h.engine.database.createAPIKey(name: "dana", role: .agent, secret: "token-dana-person", at: h.clock.now(), by: "test setup")
            let body = """
                {"slackWebhook":"\(receiver)/slack/T1/B1/secret","teamsWebhook":"\(receiver)/teams/hook-1",
                 "channels":{"assigned":["slack","teams"]},"digestMinutes":0}
                """
            let put = try await h.client.execute(uri: "/v1/me/notification-preferences", method: .put,
                                                 headers: [.authorization: "Bearer token-dana-person", .contentType: "application/json"],
                                                 body: ByteBuffer(string: body))
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            let shown = try h.json(put)
            #expect(shown.str("slackWebhook") == "http://127.0.0.1:\(URL(string: receiver)!.port!)/…")
            let (_, _, base) = try await h.seededPricingException()
            let assigned = try await h.send(.post, base + "/assign", as: .supervisor, contentType: "application/json", body: #"{"assignee":"dana"}"#)
            #expect(assigned.status == .ok)
            _ = try await OutboxDispatcher(engine: h.engine).dispatchOnce()
            _ = try await OutboxDispatcher(engine: h.engine).dispatchOnce()
            let got = try await NotificationPeers.received()
            #expect(got.slack.count == 1 && got.teams.count == 1, "\(got)")
            #expect(got.slack.first?.hook == "/slack/T1/B1/secret" && got.slack.first?.text.contains("Assigned to you") == true)
            #expect(got.teams.first?.text.contains("Assigned to you") == true)
            let sent = try await h.engine.queries.auditEntries(limit: 500).filter { $0.action == "notification.sent" }
            #expect(Set(sent.compactMap { $0.detail?["channel"]?.stringValue }) == ["slack", "teams"])
        }
    }

    @Test("a mail server that fails for a while is retried with back-off; one that never answers ends in a dead letter the supervisors see",
          arguments: TestDatabaseKind.available)
    func retriesAndDeadLetters(_ kind: TestDatabaseKind) async throws {
        try await NotificationPeers.reset()
        try await Harness.run(kind, policy: try Self.policy()) { h in
            try await Self.people(h)
            h.engine.configureNotifications(NotificationChannels(mail: try Self.mailServer(), publicURL: nil))
            try await NotificationPeers.control(smtpTempFail: 1)
            try await Self.burst(h)
            h.clock.set(Self.at("2026-11-25T22:15:00Z"))
            let dispatcher = OutboxDispatcher(engine: h.engine, random: { 0.5 })
            _ = try await dispatcher.dispatchOnce()
            #expect(try await NotificationPeers.received().mails.isEmpty, "the first try got 451")
            h.clock.set(Self.at("2026-11-25T23:15:00Z"))
            _ = try await dispatcher.dispatchOnce()
            #expect(try await NotificationPeers.received().mails.count == 1)
            let sent = try #require(try await h.engine.queries.auditEntries(limit: 2_000).first { $0.action == "notification.sent" })
            #expect(sent.detail?["attempts"] == .number(2))

            // The mail server goes away: the next digest is tried until its attempts run out.
            let closed = try Self.mailServer(port: 9)
            h.engine.configureNotifications(NotificationChannels(mail: closed, publicURL: nil))
            let someCase = try #require(try await h.get("/v1/cases?limit=1").list("items").first)
            let exceptionId = try #require(someCase.list("exceptions").first?.str("id"))
            let base = "/v1/cases/\(someCase.str("id") ?? "")/exceptions/\(exceptionId)"
            try await h.engine.database.saveNotificationPreferences(
                NotificationPreferences(email: "dana@example.test", channels: [.assigned: [.console, .email]], digestMinutes: 0),
                for: "dana", key: h.engine.dataKey, actor: "test setup", at: h.clock.now())
            _ = try await h.send(.post, base + "/assign", as: .supervisor, contentType: "application/json", body: #"{"assignee":"sam"}"#)
            _ = try await h.send(.post, base + "/assign", as: .supervisor, contentType: "application/json", body: #"{"assignee":"dana"}"#)
            for hour in 0..<10 {
                h.clock.set(Self.at("2026-11-26T00:00:00Z").adding(seconds: Double(hour) * 3_600))
                _ = try await dispatcher.dispatchOnce()
            }
            let dead = try await h.engine.queries.auditEntries(limit: 2_000).filter { $0.action == "notification.dead_lettered" }
            #expect(dead.count == 1 && dead.first?.detail?["recipient"] == .string("dana"))
            let notices = try await h.engine.notifications(by: Self.person("sam", .supervisor), limit: 500).items.filter { $0.trigger == .deadLetter }
            #expect(notices.count == 1 && notices.first?.title.hasPrefix("Dead letter: email to dana") == true)
        }
    }

    @Test("two nodes gathering at once put each notification in exactly one mail", arguments: TestDatabaseKind.available)
    func twoNodes(_ kind: TestDatabaseKind) async throws {
        try await NotificationPeers.reset()
        try await Harness.run(kind, policy: try Self.policy()) { h in
            try await Self.people(h)
            let mail = try Self.mailServer()
            h.engine.configureNotifications(NotificationChannels(mail: mail, publicURL: nil))
            try await Self.burst(h)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let other = ClearwayEngine(database: h.engine.database, policy: h.engine.policy, clock: h.clock, ids: RandomIdentifiers(), logger: logger)
            other.configureNotifications(NotificationChannels(mail: mail, publicURL: nil))
            h.clock.set(Self.at("2026-11-25T22:15:00Z"))
            async let a = OutboxDispatcher(engine: h.engine).dispatchOnce()
            async let b = OutboxDispatcher(engine: other).dispatchOnce()
            _ = try await (a, b)
            _ = try await OutboxDispatcher(engine: other).dispatchOnce()
            let mails = try await NotificationPeers.received().mails
            #expect(mails.count == 1, "\(mails.map(\.subject))")
            #expect(mails.first?.subject.hasPrefix("[Clearway] 60 notifications") == true)
        }
    }

    @Test("preferences name each bad field, and a person reads back where webhooks go without their secret path", arguments: [TestDatabaseKind.sqlite])
    func preferencesAPI(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind, policy: try Self.policy()) { h in
            let bad = try await h.send(.put, "/v1/me/notification-preferences", as: .agent, contentType: "application/json",
                                       body: #"{"email":"dana at example","channels":{"breached":["email","fax"]},"quietHours":{"from":"7pm","to":"07:00"}}"#)
            #expect(bad.status == .unprocessableContent, "\(String(buffer: bad.body))")
            let text = String(buffer: bad.body)
            for pointer in ["/email", "/channels/breached", "/quietHours/from"] { #expect(text.contains(pointer), "\(pointer) in \(text)") }
            let inner = try await h.send(.put, "/v1/me/notification-preferences", as: .agent, contentType: "application/json",
                                            body: #"{"slackWebhook":"http://169.254.169.254/latest"}"#)
            #expect(inner.status == .unprocessableContent && String(buffer: inner.body).contains("/slackWebhook"))
            let got = try await h.get("/v1/me/notification-preferences", as: .agent)
            #expect(got["policyDigestMinutes"] as? Int == 15)
            #expect((got.obj("defaults")["breached"] as? [String])?.sorted() == ["console", "email"])
        }
    }
}

/// The receivers `.ci/run` starts (`CLEARWAY_TEST_NOTIFY_PEERS` names their `peers.env`).
enum NotificationPeers {
    struct Settings { var smtpPort: Int; var ca: String; var user: String; var password: String; var receiver: String }
    struct Mail { var from: String; var to: [String]; var subject: String; var text: String; var html: String; var tls: Bool; var authenticated: Bool }
    struct Chat { var hook: String; var text: String }
    struct Received: CustomStringConvertible {
        var mails: [Mail]; var slack: [Chat]; var teams: [Chat]
        var description: String { "\(mails.count) mails, slack \(slack.map(\.hook)), teams \(teams.map(\.hook))" }
    }

    static var file: String? { ProcessInfo.processInfo.environment["CLEARWAY_TEST_NOTIFY_PEERS"] }
    static var available: Bool { file.map { FileManager.default.fileExists(atPath: $0) } ?? false }
    /// In CI the receivers must be there: a missing one fails the suite instead of skipping it.
    static var required: Bool { ProcessInfo.processInfo.environment["CLEARWAY_REQUIRE_NOTIFY_PEERS"] == "1" }

    static func load() throws -> Settings {
        let path = try #require(file, "CLEARWAY_TEST_NOTIFY_PEERS is not set: start Tests/Peers/notification_peers.py")
        var values: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        let smtp = try #require(values["CLEARWAY_TEST_SMTP"]?.split(separator: ":").last.flatMap { Int($0) })
        return Settings(smtpPort: smtp, ca: values["CLEARWAY_TEST_SMTP_CA"] ?? "", user: values["CLEARWAY_TEST_SMTP_USER"] ?? "",
                        password: values["CLEARWAY_TEST_SMTP_PASSWORD"] ?? "", receiver: values["CLEARWAY_TEST_NOTIFY_RECEIVER"] ?? "")
    }

    static func call(_ path: String, body: Data? = nil) async throws -> Data {
        var request = URLRequest(url: URL(string: try load().receiver + path)!)
        if let body { request.httpMethod = "POST"; request.httpBody = body }
        return try await URLSession.shared.data(for: request).0
    }

    static func reset() async throws { _ = try await call("/reset", body: Data()) }

    static func control(smtpTempFail: Int) async throws { _ = try await call("/control", body: Data(#"{"smtpTempFail":\#(smtpTempFail)}"#.utf8)) }

    static func received() async throws -> Received {
        let json = try #require(try JSONSerialization.jsonObject(with: try await call("/received")) as? [String: Any])
        let mails = (json["mails"] as? [[String: Any]] ?? []).map { m in
            Mail(from: m["from"] as? String ?? "", to: m["to"] as? [String] ?? [], subject: m["subject"] as? String ?? "",
                 text: m["text"] as? String ?? "", html: m["html"] as? String ?? "", tls: m["tls"] as? Bool ?? false,
                 authenticated: m["authenticated"] as? Bool ?? false)
        }
        func chats(_ key: String) -> [Chat] {
            (json[key] as? [[String: Any]] ?? []).map { c in
                let body = (try? JSONSerialization.data(withJSONObject: c["body"] ?? [:])).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return Chat(hook: c["hook"] as? String ?? "", text: body)
            }
        }
        return Received(mails: mails, slack: chats("slack"), teams: chats("teams"))
    }
}
