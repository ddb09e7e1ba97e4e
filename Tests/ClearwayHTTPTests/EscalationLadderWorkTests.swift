import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import HTTPTypes
import Logging
import Testing

/// The shipped ladder on a real store: rungs fire on DC-CHI's calendar as the injected
/// clock moves, reach people as notifications, survive a restart without losing or
/// repeating a rung, are claimed once by two nodes, and wait for a supervisor's
/// acknowledgement where the policy asks for one.
@Suite("Escalation ladders through the API")
struct EscalationLadderWorkTests {
    static func at(_ text: String) -> Instant { Instant(iso8601: text)! }

    static func node(_ h: Harness) -> ClearwayEngine {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return ClearwayEngine(database: h.engine.database, policy: h.engine.policy, clock: h.clock, ids: RandomIdentifiers(), logger: logger)
    }

    static func person(_ name: String, _ role: Role) -> Principal { Principal(id: "usr_\(name)", name: name, role: role) }

    /// Escalation notifications a person got about one exception.
    static func told(_ h: Harness, _ name: String, about exceptionId: String) async throws -> [NotificationRecord] {
        try await h.engine.notifications(by: person(name, .supervisor), limit: 500).items
            .filter { $0.exceptionId == exceptionId && [.atRisk, .breached, .escalation].contains($0.trigger) }
    }

    @Test("the default ladder: 75% tells the assignee, breach tells the leads and re-routes, breach + 4h waits for acknowledgement and repeats",
          arguments: TestDatabaseKind.available)
    func ladder(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            let db = h.engine.database
            for (name, role) in [("dana", Role.agent), ("sam", .supervisor), ("lee", .supervisor)] {
                _ = try await db.createUser(username: name, displayName: name.capitalized, role: role, password: "\(name)-password-12",
                                            at: h.clock.now(), by: "test setup", rounds: 1_000)
            }
            _ = try await db.createAPIKey(name: "sam", role: .supervisor, secret: "token-sam-person", at: h.clock.now(), by: "test setup")
            let (caseId, exceptionId, base) = try await h.seededPricingException()
            let assigned = try await h.send(.post, base + "/assign", as: .supervisor, contentType: "application/json", body: #"{"assignee":"dana"}"#)
            #expect(assigned.status == .ok)
            // Dana is told a supervisor gave it to her.
            let given = try await h.engine.notifications(by: Self.person("dana", .agent)).items
            #expect(given.map(\.trigger) == [.assigned] && given.first?.title == "Assigned to you: pricing.contract_mismatch")
            var ladder = try h.json(assigned).obj("ladder")
            // Key tier, 8 business hours from Monday 09:00 in Chicago: 75% at 15:00, breach at 17:00.
            #expect(ladder.list("rungs").map { $0.str("dueAt") } == ["2026-11-23T21:00:00Z", "2026-11-23T23:00:00Z", "2026-11-24T18:00:00Z"])

            h.clock.set(Self.at("2026-11-23T20:59:00Z"))
            _ = try await h.engine.fireDueTimers()
            #expect(try await Self.told(h, "dana", about: exceptionId).isEmpty)
            h.clock.set(Self.at("2026-11-23T21:00:00Z"))
            _ = try await h.engine.fireDueTimers()
            let first = try await Self.told(h, "dana", about: exceptionId)
            #expect(first.map(\.trigger) == [.atRisk])
            #expect(first.first?.body == "Rung 1 of 3 (75%): notify assignee")
            #expect(try await Self.told(h, "sam", about: exceptionId).isEmpty)

            // A node started afresh after the breach fires rung 2 once: the leads are told and it moves.
            h.clock.set(Self.at("2026-11-24T01:00:00Z"))
            let restarted = Self.node(h)
            _ = try await restarted.fireDueTimers()
            _ = try await restarted.fireDueTimers()
            #expect(try await Self.told(h, "dana", about: exceptionId).count == 2)
            #expect(try await Self.told(h, "sam", about: exceptionId).count == 1)
            #expect(try await Self.told(h, "lee", about: exceptionId).count == 1)
            var exception = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("id") == exceptionId })
            #expect(exception.str("queue") == "pricing_escalations" && exception.str("escalation") == "breached")

            // Tuesday 12:00 in Chicago: breach + 4h asks for a supervisor's acknowledgement.
            h.clock.set(Self.at("2026-11-24T18:00:00Z"))
            _ = try await h.engine.fireDueTimers()
            exception = try #require(try await h.get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("id") == exceptionId })
            ladder = exception.obj("ladder")
            #expect(ladder["awaitingAcknowledgement"] as? Bool == true)
            #expect(ladder.list("rungs").map { $0["fired"] as? Bool } == [true, true, true])
            #expect(ladder.list("rungs").last?.str("dueAt") == "2026-11-24T22:00:00Z")

            // Two nodes fire the first repeat at once: it is claimed once, told once.
            h.clock.set(Self.at("2026-11-24T22:00:00Z"))
            let other = Self.node(h)
            async let a = h.engine.fireDueTimers()
            async let b = other.fireDueTimers()
            _ = try await (a, b)
            #expect(try await Self.told(h, "sam", about: exceptionId).count == 3)

            let refused = try await h.send(.post, base + "/acknowledge-escalation", as: .agent, contentType: "application/json", body: "{}")
            #expect(refused.status == .forbidden)
            let acked = try await h.send(.post, base + "/acknowledge-escalation", as: .supervisor, contentType: "application/json",
                                         body: #"{"note":"Called the pricing lead"}"#)
            #expect(acked.status == .ok)
            #expect(try h.json(acked).obj("ladder")["awaitingAcknowledgement"] as? Bool == false)
            // With no body at all (it is optional): read as an empty document.
            let again = try await h.send(.post, base + "/acknowledge-escalation", as: .supervisor)
            #expect(again.status == .conflict)
            #expect(String(buffer: again.body).contains("no escalation awaits acknowledgement"))

            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline").filter { $0.str("exceptionId") == exceptionId }
            #expect(timeline.filter { $0.str("action") == "escalation.rung_fired" }.map { $0.str("after") } == ["rung 1", "rung 2", "rung 3", "rung 3"])
            let ack = try #require(timeline.first { $0.str("action") == "escalation.acknowledged" })
            #expect(ack.str("reason") == "Called the pricing lead" && (ack.str("actor") ?? "").contains("supervisor-key"))
            let told = timeline.filter { $0.str("action") == "notification.created" && ["at_risk", "breached", "escalation"].contains($0.obj("detail").str("trigger") ?? "") }
            #expect(told.map { $0.obj("detail").str("trigger") ?? "" } == ["at_risk", "breached", "escalation", "escalation"])
            #expect((told[1].obj("detail")["recipients"] as? [String])?.sorted() == ["dana", "lee", "sam"])

            // Sam reads them through the API with a key of his own.
            let auth: HTTPFields = [.authorization: "Bearer token-sam-person"]
            let mine = try h.json(try await h.send(.get, "/v1/notifications?unread=true&limit=500", as: nil, headers: auth))
            #expect((mine["unread"] as? Int ?? 0) >= 3)
            #expect(mine.list("items").contains { $0.str("exceptionId") == exceptionId && $0.str("trigger") == "breached" })
            let read = try h.json(try await h.send(.post, "/v1/notifications/read", as: nil, contentType: "application/json", body: "{}",
                                                   headers: auth))
            #expect(read["marked"] as? Int == mine["unread"] as? Int && read["unread"] as? Int == 0)
            // A required body left out names its missing fields.
            let noBody = try await h.send(.post, base + "/assign", as: .supervisor)
            #expect(noBody.status.code == 422 && String(buffer: noBody.body).contains("/assignee"))
            let bad = try await h.send(.get, "/v1/notifications?limit=0", as: nil, headers: auth)
            #expect(bad.status.code == 422 && String(buffer: bad.body).contains("limit"))
        }
    }
}
