import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayTestSupport
import Foundation
import Testing

@Suite("Delivering actions to source systems")
struct ActionDeliveryTests {
    @Test("a touchless rule clears a small price variance: the action reaches the ERP, the exception resolves with no person, and the KPIs count it",
          arguments: TestDatabaseKind.available)
    func touchlessEndToEnd(_ kind: TestDatabaseKind) async throws {
        try await Harness.withSystems(kind) { h, systems, dispatcher in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            let action = try #require(try await h.actions().first)
            #expect(action.str("state") == "queued")
            #expect(action.str("rule") == "accept-contract-price")
            #expect(action.str("kind") == "override_price")
            let caseId = try #require(action.str("caseId"))
            #expect(try await h.exception(caseId).str("state") == "waiting")

            try await h.drain(dispatcher)
            let done = try h.json(try await h.send(.get, "/v1/actions/\(action.str("id")!)", as: .viewer))
            #expect(done.str("state") == "completed")
            let exception = try await h.exception(caseId)
            #expect(exception.str("state") == "resolved")
            #expect(exception.str("resolutionCode") == "price_overridden")
            #expect(exception["resolvedTouchless"] as? Bool == true)
            #expect(systems.ledger.effects == [action.str("id")!: 1])

            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline").map { $0.str("action") ?? "" }
            #expect(timeline.contains("action.requested") && timeline.contains("action.completed") && timeline.contains("exception.resolved_by_action"))
            let kpis = try await h.get("/v1/insights/kpis")
            #expect(kpis["touchlessResolved"] as? Int == 1)
            #expect(kpis["touchlessRate"] as? Double == 1)
        }
    }

    @Test("an action delivered exactly once in effect when the system applies it but answers after the connector gave up")
    func timeoutAfterApplying() async throws {
        // A timeout a loaded machine still meets on the retry (a build beside the suite made
        // one second too short), and an answer well after it.
        let connector = ConnectorSettings(url: "", timeoutSeconds: 3, maxAttempts: 8, baseBackoffSeconds: 1, maxBackoffSeconds: 8)
        try await Harness.withSystems(faults: .init(answerLateRate: 1, lateAnswer: .seconds(6)), connector: connector) { h, systems, dispatcher in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            let id = try #require(try await h.actions().first?.str("id"))
            try await dispatcher.dispatchOnce()
            let waiting = try #require(try await h.actions().first)
            #expect(waiting.str("state") == "queued")
            #expect(waiting.str("lastError")?.contains("no answer within 3000 ms") == true)
            #expect(systems.ledger.effects[id] == 1)   // applied, though Clearway does not know yet

            systems.setFaults(.init())
            try await h.drain(dispatcher)
            #expect(try await h.actions().first?.str("state") == "completed")
            #expect(systems.ledger.effects[id] == 1)   // the retry carried the same key: no second effect
            #expect(systems.ledger.requests == 2)
        }
    }

    @Test("with the system failing half of all calls, every action still completes, each taking effect once")
    func flakySystem() async throws {
        try await Harness.withSystems(faults: .init(failureRate: 0.5)) { h, systems, dispatcher in
            try await h.post(events: Events.reference + (1...20).map { TouchlessOrders.order($0) })
            #expect(try await h.actions(state: "queued").count == 20)
            try await h.drain(dispatcher, passes: 200)
            let actions = try await h.actions()
            #expect(actions.count == 20)
            #expect(actions.allSatisfy { $0.str("state") == "completed" }, "\(actions.map { $0.str("state") ?? "" })")
            #expect(systems.ledger.effects.count == 20 && systems.ledger.effects.values.allSatisfy { $0 == 1 })
            #expect(systems.ledger.requests > 20)
            #expect(try await h.get("/v1/insights/kpis")["touchlessResolved"] as? Int == 20)
        }
    }

    @Test("with the system down the circuit opens and actions wait; nothing is lost and they drain when it returns")
    func circuitBreaker() async throws {
        let connector = ConnectorSettings(url: "", timeoutSeconds: 5, maxAttempts: 50, baseBackoffSeconds: 1, maxBackoffSeconds: 4,
                                          breakerFailures: 3, breakerOpenSeconds: 60)
        try await Harness.withSystems(faults: .init(down: true), connector: connector) { h, systems, dispatcher in
            try await h.post(events: Events.reference + (1...10).map { TouchlessOrders.order($0) })
            try await dispatcher.dispatchOnce()
            let afterFirstPass = systems.ledger.requests
            #expect(afterFirstPass >= 3)
            let erp = try #require(try await h.get("/v1/connectors", as: .supervisor).list("items").first { $0.str("system") == "erp" })
            #expect(erp.str("circuit") == "open")

            // While open, passes leave the outbox alone: no calls, nothing dropped.
            for _ in 0..<5 {
                h.clock.advance(seconds: 10)
                try await dispatcher.dispatchOnce()
            }
            #expect(systems.ledger.requests == afterFirstPass)
            #expect(try await h.actions(state: "queued").count == 10)

            systems.setFaults(.init())
            h.clock.advance(seconds: 60)
            try await h.drain(dispatcher)
            let actions = try await h.actions()
            #expect(actions.allSatisfy { $0.str("state") == "completed" })
            #expect(systems.ledger.effects.count == 10 && systems.ledger.effects.values.allSatisfy { $0 == 1 })
            let closed = try await h.get("/v1/connectors", as: .supervisor).list("items").first { $0.str("system") == "erp" }
            #expect(closed?.str("circuit") == "closed")
        }
    }

    @Test("after its last attempt an action is dead-lettered and its exception returns to the queue; a bulk retry delivers it, naming ids it cannot retry")
    func deadLetterAndRetry() async throws {
        let connector = ConnectorSettings(url: "", timeoutSeconds: 5, maxAttempts: 2, baseBackoffSeconds: 1, maxBackoffSeconds: 2, breakerFailures: 100)
        try await Harness.withSystems(faults: .init(down: true), connector: connector) { h, systems, dispatcher in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            try await h.drain(dispatcher)
            let dead = try #require(try await h.actions().first)
            #expect(dead.str("state") == "dead_lettered")
            #expect(dead.str("lastError")?.contains("HTTP 503") == true)
            let caseId = try #require(dead.str("caseId"))
            #expect(try await h.exception(caseId).str("state") == "open")
            #expect(try await h.get("/v1/insights/kpis")["actionsDeadLettered"] as? Int == 1)

            systems.setFaults(.init())
            #expect(try await h.send(.post, "/v1/actions/retry", as: .agent, contentType: "application/json", body: #"{"actionIds":["x"]}"#).status == .forbidden)
            let bulk = try h.json(try await h.send(.post, "/v1/actions/retry", as: .supervisor, contentType: "application/json",
                                                   body: #"{"actionIds":["\#(dead.str("id")!)","ACT-NOPE"]}"#))
            #expect(bulk["succeeded"] as? Int == 1 && bulk["failed"] as? Int == 1)
            #expect(bulk.list("items").last?.str("error") == "No action with id ACT-NOPE.")
            #expect(try await h.exception(caseId).str("state") == "waiting")
            try await h.drain(dispatcher)
            #expect(try await h.actions().first?.str("state") == "completed")
            #expect(try await h.exception(caseId).str("state") == "resolved")
        }
    }

    @Test("a system's refusal fails the action and hands the exception back with the reason")
    func refusal() async throws {
        try await Harness.withSystems(faults: .init(refuseKinds: ["override_price"])) { h, _, dispatcher in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            try await h.drain(dispatcher)
            let failed = try #require(try await h.actions().first)
            #expect(failed.str("state") == "failed")
            #expect(failed.str("lastError") == "erp does not accept override_price for this order")
            let caseId = try #require(failed.str("caseId"))
            #expect(try await h.exception(caseId).str("state") == "open")
            let resumed = try await h.get("/v1/cases/\(caseId)").list("timeline").last { $0.str("action") == "exception.resumed" }
            #expect(resumed?.str("reason")?.contains("refused") == true)
        }
    }

    @Test("a system that answers 'accepted' completes the action later with a clearway.action.result.v1 event")
    func resultEvent() async throws {
        try await Harness.withSystems(faults: .init(answerLater: true)) { h, _, dispatcher in
            try await h.post(events: Events.reference + [TouchlessOrders.order(1)])
            try await dispatcher.dispatchOnce()
            let delivered = try #require(try await h.actions().first)
            #expect(delivered.str("state") == "delivered")
            let id = try #require(delivered.str("id"))
            let result = Events.event("erp", "result-1", "clearway.action.result.v1", #"{"actionId":"\#(id)","status":"applied","reference":"SO-T1/2"}"#)
            let outcome = try await h.post(events: [result])
            #expect(outcome.list("results").first?.str("status") == "accepted")
            #expect(try await h.actions().first?.str("state") == "completed")
            let unknown = Events.event("erp", "result-2", "clearway.action.result.v1", #"{"actionId":"ACT-NOPE","status":"applied"}"#)
            #expect(try await h.post(events: [unknown]).list("results").first?.str("status") == "dead_lettered")
        }
    }
}
