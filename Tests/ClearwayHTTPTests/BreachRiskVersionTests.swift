import ClearwayCore
import ClearwayIntelligence
import ClearwayTestSupport
import HummingbirdTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@testable import ClearwayEngine

/// The breach-risk model versioned like the classifier: trained from the record, stored
/// with its card, served only past the policy's gate or by a person with a reason, rolled
/// back, and retrained daily; every change audited with who and why.
@Suite("Breach-risk model versions")
struct BreachRiskVersionTests {
    /// Four days of price queries, one an hour: every third resolved within the hour, the
    /// rest left open until their SLA passes.
    static func history(_ h: Harness) async throws {
        try await h.post(events: Events.reference)
        for n in 1...96 {
            try await h.post(events: [ConsoleModelsTests.overpriced(n)])
            if n % 3 == 0 {
                h.clock.advance(seconds: 1_200)
                let done = try await h.resolve("pricing.contract_mismatch", onOrder: "SO-90\(n)", code: "price_corrected")
                #expect(done.status == .ok)
                h.clock.advance(seconds: 2_400)
            } else {
                h.clock.advance(seconds: 3_600)
            }
        }
    }

    static func permissive() throws -> Policy {
        var policy = try DefaultPolicy.load()
        policy.triage.riskGate = RiskGate(minAUC: 0, maxCalibrationError: 1, minMeasured: 0)
        return policy
    }

    static func status(_ h: Harness, _ response: TestResponse) throws -> [String: Any] {
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try h.json(response)
    }

    static func audit(_ h: Harness) async throws -> [String] {
        try await h.engine.database.read { sql in
            try await sql.raw("SELECT action, actor, after_state, reason FROM audit_log WHERE action LIKE 'model.%' ORDER BY seq").all().map {
                "\(try $0.decode(column: "action", as: String.self)) \(try $0.decode(column: "after_state", as: String?.self) ?? "") "
                    + "by \(try $0.decode(column: "actor", as: String.self)): \(try $0.decode(column: "reason", as: String?.self) ?? "")"
            }
        }
    }

    @Test("a version below the gate is stored with its card but does not serve (audited); an admin puts it in service with a reason, and risks are scored with it",
          arguments: TestDatabaseKind.available)
    func belowTheGate(_ kind: TestDatabaseKind) async throws {
        var policy = try DefaultPolicy.load()
        policy.triage.riskGate.minMeasured = 1_000_000
        try await Harness.run(kind, policy: policy) { h in
            try await Self.history(h)
            #expect(try await h.send(.post, "/v1/models/breach-risk/train", as: .agent, contentType: "application/json", body: "{}").status == .forbidden)
            let trained = try Self.status(h, try await h.send(.post, "/v1/models/breach-risk/train", contentType: "application/json",
                                                              body: #"{"reason":"first model for the desk"}"#))
            #expect(trained["serving"] == nil)
            let version = try #require(trained.list("versions").first)
            #expect(version["version"] as? Int == 1 && version.str("formulation") == "discrete-time hazard, open work censored")
            #expect((version["exceptions"] as? Int ?? 0) >= 90 && (version["slices"] as? Int ?? 0) > 100)
            #expect((version["belowGate"] as? [String])?.contains { $0.contains("fewer than the policy's 1000000") } == true, "\(version)")
            #expect(try await h.get("/v1/insights/breach-risk")["model"] == nil, "nothing serves, so nothing is scored")

            let bare = try await h.send(.post, "/v1/models/breach-risk/promote", contentType: "application/json", body: #"{"version":1}"#)
            #expect(bare.status == .unprocessableContent, "below the gate a promotion needs a reason")
            let promoted = try Self.status(h, try await h.send(.post, "/v1/models/breach-risk/promote", contentType: "application/json",
                                                               body: #"{"version":1,"reason":"pilot on the pricing desk, reviewed weekly"}"#))
            #expect(promoted["serving"] as? Int == 1)
            #expect(promoted.list("history").first?.str("reason") == "pilot on the pricing desk, reviewed weekly")
            let risk = try await h.get("/v1/insights/breach-risk")
            #expect(risk["model"] != nil && !risk.list("items").isEmpty, "open exceptions are scored with version 1")
            #expect(try await h.send(.post, "/v1/models/breach-risk/rollback", contentType: "application/json", body: "{}").status == .conflict)

            let audit = try await Self.audit(h)
            #expect(audit.count == 3, "\(audit)")
            #expect(audit[0].hasPrefix("model.registered breach-risk@1 by admin-key") && audit[0].hasSuffix("first model for the desk"))
            #expect(audit[1].hasPrefix("model.promotion_refused breach-risk@1"))
            #expect(audit[2].hasPrefix("model.promoted breach-risk@1") && audit[2].hasSuffix("pilot on the pricing desk, reviewed weekly"))
        }
    }

    @Test("a version that passes the gate serves at once; rollback returns to the one before; a restarted node serves what the store names",
          arguments: TestDatabaseKind.available)
    func promoteAndRollback(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind, policy: try Self.permissive()) { h in
            try await Self.history(h)
            #expect(try Self.status(h, try await h.send(.post, "/v1/models/breach-risk/train", contentType: "application/json", body: "{}"))["serving"] as? Int == 1)
            h.clock.advance(seconds: 3_600)
            let second = try Self.status(h, try await h.send(.post, "/v1/models/breach-risk/train", contentType: "application/json", body: "{}"))
            #expect(second["serving"] as? Int == 2 && second.list("versions").count == 2)
            let back = try Self.status(h, try await h.send(.post, "/v1/models/breach-risk/rollback", contentType: "application/json",
                                                           body: #"{"reason":"version 2 ranks the credit queue oddly"}"#))
            #expect(back["serving"] as? Int == 1)
            #expect(back.list("history").map { "\($0.str("change") ?? "")\($0["version"] as? Int ?? 0)" } == ["promote1", "promote2", "rollback1"])

            // The console's At risk page: the serving version, each version's figures and the gate's verdict, and the history.
            _ = try await h.engine.database.createUser(username: "ada", displayName: "Ada Admin", role: .admin, password: "ada-password-12",
                                                       at: h.clock.now(), by: "test setup", rounds: 1_000)
            let ada = try #require(try await ConsoleTests.signIn(h, "ada", "ada-password-12").cookie)
            let page = String(buffer: try await h.send(.get, "/console/at-risk", as: nil, headers: [.cookie: ada]).body)
            #expect(page.contains("Serving <strong>breach-risk@1</strong>") && page.contains("<td>1 (serving)</td>") && page.contains("<td>passes</td>"))
            #expect(page.contains("rollback → 1") && page.contains("version 2 ranks the credit queue oddly") && page.contains("Train a version now"))

            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let restarted = ClearwayEngine(database: h.engine.database, policy: try Self.permissive(), clock: h.clock, logger: logger)
            #expect(try await restarted.breachRiskModels(by: .localOperator("test")).serving == nil)
            await restarted.loadServingBreachRisk()
            #expect(try await restarted.breachRiskModels(by: .localOperator("test")).serving == 1)
            let scored = try #require(try await restarted.breachRisks(by: .localOperator("test")))
            #expect(scored.fit.version == 1 && !scored.risks.isEmpty)
        }
    }

    @Test("the daily retraining trains when the newest version is a day old, as its own actor, and not before")
    func dailyRetraining() async throws {
        try await Harness.run(.sqlite, policy: try Self.permissive()) { h in
            try await Self.history(h)
            await h.engine.refreshBreachRisk()
            #expect(try await h.engine.breachRiskModels(by: .localOperator("test")).serving == 1)
            h.clock.advance(seconds: 23 * 3_600)
            h.engine.breachRiskCache.lastChecked.withLock { $0 = nil }
            await h.engine.refreshBreachRisk()
            #expect(try await h.engine.breachRiskModels(by: .localOperator("test")).versions.count == 1, "a day has not passed")
            h.clock.advance(seconds: 2 * 3_600)
            h.engine.breachRiskCache.lastChecked.withLock { $0 = nil }
            await h.engine.refreshBreachRisk()
            let models = try await h.engine.breachRiskModels(by: .localOperator("test"))
            #expect(models.versions.count == 2 && models.serving == 2)
            #expect(models.versions.allSatisfy { $0.stored.createdBy == BreachRiskVersions.retrainer.auditName })
            #expect(try await Self.audit(h).last?.hasSuffix("daily retraining on the last 180 days") == true)
        }
    }
}
