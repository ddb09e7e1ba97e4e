import ClearwayCore
import ClearwayEngine
import ClearwayTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Work finds its owner through the API: Get next under contention, push routing with its
/// reason in the timeline, out of office with a delegate and the return, capacity refused
/// and overridden, saved views and the workload read.
@Suite("Routing work to people through the API")
struct RoutingWorkTests {
    /// Signs-in and keys for two agents and a supervisor, each key named as the person.
    static func addPeople(_ h: Harness) async throws {
        for (name, role) in [("dana", Role.agent), ("lee", .agent), ("sam", .supervisor)] {
            _ = try await h.engine.database.createUser(username: name, displayName: name.capitalized, role: role, password: "pw-\(name)-123456",
                                                       at: h.clock.now(), by: "test", rounds: 1_000)
            _ = try await h.engine.database.createAPIKey(name: name, role: role, secret: "token-person-\(name)", at: h.clock.now(), by: "test")
        }
    }

    static func principal(_ name: String, _ role: Role = .agent) -> Principal { Principal(id: "key-\(name)", name: name, role: role) }

    @discardableResult
    static func send(_ h: Harness, _ method: HTTPRequest.Method, _ uri: String, as person: String, body: String? = nil) async throws -> TestResponse {
        try await h.send(method, uri, as: nil, contentType: body == nil ? nil : "application/json", body: body,
                         headers: [.authorization: "Bearer token-person-\(person)"])
    }

    /// `count` orders like the seed order: each opens a pricing, an inventory and a logistics exception.
    static func seedOrders(_ h: Harness, count: Int) async throws {
        let orders = (1...count).map { n in
            Events.seedOrder.replacingOccurrences(of: "order-so-1", with: "order-so-\(n)").replacingOccurrences(of: "\"SO-1\"", with: "\"SO-\(n)\"")
        }
        try await h.post(events: Events.reference + orders)
    }

    /// A queue's exceptions from the case list, each with its case id.
    static func exceptions(_ h: Harness, queue: String) async throws -> [(caseId: String, exception: [String: Any])] {
        try await h.get("/v1/cases?queue=\(queue)&limit=50").list("items").flatMap { c in
            c.list("exceptions").filter { $0.str("queue") == queue }.map { (c.str("id") ?? "", $0) }
        }
    }

    static func skills(_ queues: [String], capacity: Double = 8) -> String {
        #"{"skills":{"queues":[\#(queues.map { "\"\($0)\"" }.joined(separator: ","))]},"capacity":\#(capacity)}"#
    }

    @Test("two people pressing Get next at once, on two nodes, never get the same item; then it says which queues have work",
          arguments: TestDatabaseKind.available)
    func getNextUnderContention(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            try await Self.seedOrders(h, count: 6)
            for name in ["dana", "lee"] {
                #expect(try await Self.send(h, .patch, "/v1/people/\(name)", as: "sam", body: Self.skills(["pricing"], capacity: 20)).status == .ok)
            }
            let second = ClearwayEngine(database: h.engine.database, policy: h.engine.policy, clock: h.clock, ids: h.engine.ids,
                                        logger: Logger(label: "node-2"))
            let claimed = try await withThrowingTaskGroup(of: String?.self) { group in
                for round in 0..<5 {
                    for (engine, name) in [(h.engine, "dana"), (second, "lee")] {
                        group.addTask {
                            _ = round
                            if case .claimed(_, let e, _) = try await engine.getNext(by: Self.principal(name)) { return "\(name):\(e.id)" }
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { if let c = $1 { $0.append(c) } }
            }
            let ids = claimed.map { $0.split(separator: ":")[1] }
            #expect(ids.count == 6, "\(claimed)")
            #expect(Set(ids).count == ids.count, "an item went to two people: \(claimed)")
            let pricing = try await Self.exceptions(h, queue: "pricing")
            #expect(pricing.count == 6 && pricing.allSatisfy { $0.exception.str("state") == "assigned" })

            let none = try h.json(try await Self.send(h, .post, "/v1/work/next", as: "dana"))
            #expect(none["claimed"] as? Bool == false)
            #expect(none.str("reason") == "nothing open in pricing that you are skilled for; queues with unassigned work: inventory (6), logistics (6)")
        }
    }

    @Test("push routing assigns new work to the least-loaded skilled person on shift, with the reason in the timeline",
          arguments: TestDatabaseKind.available)
    func pushRouting(_ kind: TestDatabaseKind) async throws {
        var policy = try DefaultPolicy.load()
        policy.routing.modes["logistics"] = .push
        try await Harness.run(kind, policy: policy) { h in
            try await Self.addPeople(h)
            try await Self.send(h, .patch, "/v1/people/dana", as: "sam", body: Self.skills(["logistics"], capacity: 2))
            try await Self.send(h, .patch, "/v1/people/lee", as: "sam", body: Self.skills(["logistics"], capacity: 1))
            try await Self.seedOrders(h, count: 4)
            #expect(try await h.engine.routeWork() == 3)
            let logistics = try await Self.exceptions(h, queue: "logistics")
            let holders = logistics.compactMap { $0.exception.str("assignee") }.sorted()
            #expect(holders == ["dana", "dana", "lee"], "capacity 2 and 1 take three of four")
            let caseId = try #require(logistics.first { $0.exception.str("assignee") == "dana" }?.caseId)
            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline")
            #expect(timeline.contains { ($0.str("reason") ?? "").hasPrefix("push routing: assigned to dana: logistics skill") })
            #expect(try await h.engine.routeWork() == 0, "nobody has room for the fourth")
            let workload = try await h.get("/v1/workload?days=3")
            let dana = try #require(workload.list("people").first { $0.str("username") == "dana" })
            #expect(dana["load"] as? Double == 2 && dana["capacity"] as? Double == 2 && dana["open"] as? Int == 2)
            let queue = try #require(workload.list("queues").first { $0.str("queue") == "logistics" })
            #expect(queue.str("mode") == "push" && queue["unassigned"] as? Int == 1 && queue.list("days").count == 3)

            // A colleague with room arrives: saving their profile routes at once, and they take the fourth.
            try await Self.send(h, .patch, "/v1/people/sam", as: "sam", body: Self.skills(["logistics"], capacity: 5))
            #expect(try await Self.exceptions(h, queue: "logistics").filter { $0.exception.str("assignee") == "sam" }.count == 1)
            #expect(try await h.engine.routeWork() == 0)
        }
    }

    @Test("a person behind on SLA in a push queue has their work not yet late moved to someone with room",
          arguments: TestDatabaseKind.available)
    func rebalanceWhenBehind(_ kind: TestDatabaseKind) async throws {
        var policy = try DefaultPolicy.load()
        policy.routing.modes["logistics"] = .push
        policy.routing.rebalanceWhenBreached = 1
        try await Harness.run(kind, policy: policy) { h in
            try await Self.addPeople(h)
            try await Self.send(h, .patch, "/v1/people/dana", as: "sam", body: Self.skills(["logistics"], capacity: 3))
            try await Self.seedOrders(h, count: 2)
            #expect(try await h.engine.routeWork() == 2)
            // Two days later (Wednesday; Thursday is Thanksgiving on the calendar) both are
            // late, and a third arrives: dana is the only one with the skill, so it is hers.
            h.clock.set(h.clock.now().adding(seconds: 2 * 86_400))
            let third = Events.seedOrder.replacingOccurrences(of: "order-so-1", with: "order-so-3").replacingOccurrences(of: "\"SO-1\"", with: "\"SO-3\"")
            try await h.post(events: [third])
            #expect(try await h.engine.routeWork() == 1)
            // Lee joins logistics: dana is behind (two breached), so her item not yet late moves to lee.
            try await Self.send(h, .patch, "/v1/people/lee", as: "sam", body: Self.skills(["logistics"], capacity: 3))
            let logistics = try await Self.exceptions(h, queue: "logistics")
            let holders = logistics.map { $0.exception.str("assignee") ?? "-" }.sorted()
            let moved = try #require(logistics.first { $0.exception.str("assignee") == "lee" })
            let timeline = try await h.get("/v1/cases/\(moved.caseId)").list("timeline")
            #expect(timeline.contains { $0.str("reason") == "push routing: dana is behind (2 breached); moved to lee: logistics skill, 0 of 3 capacity" })
            #expect(holders == ["dana", "dana", "lee"], "\(holders)")
        }
    }

    @Test("out of office hands open work to the delegate and gives it back on return; bad periods are refused by field",
          arguments: TestDatabaseKind.available)
    func outOfOffice(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            try await Self.seedOrders(h, count: 2)
            try await Self.send(h, .patch, "/v1/people/dana", as: "sam", body: Self.skills(["pricing"]))
            try await Self.send(h, .patch, "/v1/people/lee", as: "sam", body: Self.skills(["pricing"]))
            for _ in 0..<2 { _ = try await h.engine.getNext(by: Self.principal("dana")) }

            let backwards = try await Self.send(h, .patch, "/v1/people/dana", as: "dana", body: """
                {"availability":{"status":"out_of_office","from":"2026-11-24T00:00:00Z","until":"2026-11-23T00:00:00Z","delegate":"lee"}}
                """)
            #expect(backwards.status.code == 422)
            #expect(String(buffer: backwards.body).contains("/availability/until"))
            try await Self.send(h, .patch, "/v1/people/lee", as: "lee", body: #"{"availability":{"status":"away"}}"#)
            let awayDelegate = try await Self.send(h, .patch, "/v1/people/dana", as: "dana", body: """
                {"availability":{"status":"out_of_office","until":"2026-11-25T00:00:00Z","delegate":"lee"}}
                """)
            #expect(awayDelegate.status.code == 422)
            #expect(String(buffer: awayDelegate.body).contains("away during that period too"))
            let ownSkills = try await Self.send(h, .patch, "/v1/people/dana", as: "dana", body: Self.skills(["credit"]))
            #expect(ownSkills.status == .forbidden)

            try await Self.send(h, .patch, "/v1/people/lee", as: "lee", body: #"{"availability":{"status":"available"}}"#)
            let out = try await Self.send(h, .patch, "/v1/people/dana", as: "dana", body: """
                {"availability":{"status":"out_of_office","until":"2026-11-25T00:00:00Z","delegate":"lee"}}
                """)
            #expect(out.status == .ok, "\(String(buffer: out.body))")
            #expect(try h.json(out).str("availabilityNow") == "out of office until 2026-11-25T00:00, delegate lee")
            var mine = try h.json(try await Self.send(h, .get, "/v1/me/work", as: "lee")).list("assigned")
            #expect(mine.count == 2)
            let caseId = try #require(mine.first?.str("caseId"))
            let timeline = try await h.get("/v1/cases/\(caseId)").list("timeline")
            #expect(timeline.contains { ($0.str("reason") ?? "").contains("dana is out of office until 2026-11-25T00:00; delegated to lee") })
            #expect(timeline.contains { $0.str("action") == "exception.assignee_changed" && $0.str("actor") == "system:routing" })

            // One item lee finishes stays done; the other comes back to dana when she returns.
            let first = try #require(mine.first)
            try await Self.send(h, .post, "/v1/cases/\(first.str("caseId") ?? "")/exceptions/\(first.str("exceptionId") ?? "")/resolve", as: "lee",
                                body: #"{"code":"price_corrected"}"#)
            try await Self.send(h, .patch, "/v1/people/dana", as: "dana", body: #"{"availability":{"status":"available"}}"#)
            mine = try h.json(try await Self.send(h, .get, "/v1/me/work", as: "dana")).list("assigned")
            #expect(mine.count == 1)
            #expect(try h.json(try await Self.send(h, .get, "/v1/me/work", as: "lee")).list("assigned").isEmpty)
            let audit = try await h.engine.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'person.profile_changed'").first()?.decode(column: "n", as: Int64.self)
            }
            #expect(audit == 6, "two skill changes and four availability changes; refused changes are not audited")
        }
    }

    @Test("assigning past capacity is refused unless a supervisor gives a reason", arguments: TestDatabaseKind.available)
    func capacity(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            try await Self.seedOrders(h, count: 2)
            try await Self.send(h, .patch, "/v1/people/dana", as: "sam", body: Self.skills(["pricing"], capacity: 1))
            _ = try await h.engine.getNext(by: Self.principal("dana"))
            let open = try #require(try await Self.exceptions(h, queue: "pricing").first { $0.exception.str("assignee") == nil })
            let path = "/v1/cases/\(open.caseId)/exceptions/\(open.exception.str("id") ?? "")/assign"
            let refused = try await Self.send(h, .post, path, as: "sam", body: #"{"assignee":"dana"}"#)
            #expect(refused.status == .conflict)
            #expect(String(buffer: refused.body).contains("dana holds 1 of 1 capacity"))
            let forced = try await Self.send(h, .post, path, as: "sam", body: #"{"assignee":"dana","overCapacityReason":"Dana knows this customer"}"#)
            #expect(forced.status == .ok)
            let timeline = try await h.get("/v1/cases/\(open.caseId)").list("timeline")
            #expect(timeline.contains { $0.str("reason") == "over capacity: Dana knows this customer" })
        }
    }

    @Test("saved views: private to their owner, shared with a queue's team, bad fields named", arguments: TestDatabaseKind.available)
    func savedViews(_ kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await Self.addPeople(h)
            try await Self.send(h, .patch, "/v1/people/lee", as: "sam", body: Self.skills(["pricing"]))
            let mine = try await Self.send(h, .post, "/v1/views", as: "dana", body: #"{"name":"Old Acme","queue":"pricing","customerId":"ACME","minAgeHours":4}"#)
            #expect(mine.status == .created)
            try await Self.send(h, .post, "/v1/views", as: "dana", body: #"{"name":"Due first","queue":"pricing","team":"pricing","sort":"due"}"#)
            let bad = try await Self.send(h, .post, "/v1/views", as: "dana", body: #"{"name":"x","queue":"nowhere","tier":"gold"}"#)
            #expect(bad.status.code == 422)
            #expect(String(buffer: bad.body).contains("/queue") && String(buffer: bad.body).contains("/tier"))
            let dana = try h.json(try await Self.send(h, .get, "/v1/views", as: "dana")).list("items").compactMap { $0.str("name") }
            let lee = try h.json(try await Self.send(h, .get, "/v1/views", as: "lee")).list("items").compactMap { $0.str("name") }
            #expect(dana == ["Due first", "Old Acme"])
            #expect(lee == ["Due first"])
            let id = try #require(try h.json(mine).str("id"))
            #expect(try await Self.send(h, .delete, "/v1/views/\(id)", as: "lee").status == .notFound)
            #expect(try await Self.send(h, .delete, "/v1/views/\(id)", as: "dana").status == .noContent)
        }
    }
}
