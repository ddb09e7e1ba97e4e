import ClearwayStore
import ClearwayTestSupport
import Foundation
import Testing

/// Input written to break the server: SQL in every kind of field, bodies too large or
/// nested too deep, numbers too large to convert, methods nobody declared. Each gets a 4xx
/// that names the problem, nothing is changed, and the server keeps serving.
@Suite("Hostile input")
struct HostileInputTests {
    static let injections = ["' OR '1'='1", "x'; DROP TABLE cases; --", "\" OR 1=1 --", "SO-1' UNION SELECT secret_hash FROM api_keys --"]

    @Test("SQL in query parameters, path ids, event ids and bodies is only ever data", arguments: TestDatabaseKind.available)
    func sqlInjectionIsData(kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            try await h.post(events: Events.reference + [Events.seedOrder])
            for attack in Self.injections {
                let q = attack.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                for uri in ["/v1/cases?orderId=\(q)", "/v1/cases?queue=\(q)", "/v1/cases?customerId=\(q)", "/v1/cases/\(q)", "/v1/actions/\(q)",
                            "/v1/dead-letters/\(q)", "/v1/edi/outbound?orderId=\(q)"] {
                    let r = try await h.send(.get, uri, as: .admin)
                    #expect(r.status.code < 500, "\(uri): \(r.status)")
                    if r.status == .ok, uri.hasPrefix("/v1/cases?") { #expect(try h.json(r)["total"] as? Int == 0, "\(uri) matched cases") }
                }
                let event = Events.event("erp", attack, "clearway.customer.upserted.v1", #"{"customerId":"\#(attack.replacingOccurrences(of: "\"", with: "\\\""))","name":"x","tier":"standard"}"#)
                let r = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: event)
                #expect(r.status.code < 500, "event with id \(attack): \(r.status)")
            }
            // Every table is still there and still holds what it held.
            let cases = try await h.get("/v1/cases?state=active")
            #expect(cases["total"] as? Int == 1)
            let check = try await h.engine.database.checkConsistency()
            #expect(check.consistent, "\(check.findings)")
            #expect(try await h.send(.get, "/v1/cases", as: .viewer).status == .ok)
        }
    }

    @Test("bodies too large or nested too deep are refused with 413 and 422, before any work", arguments: TestDatabaseKind.available)
    func oversizedAndDeepBodies(kind: TestDatabaseKind) async throws {
        try await Harness.run(kind) { h in
            let huge = #"{"url":"https://hooks.example.com","description":""# + String(repeating: "a", count: 2 << 20) + #""}"#
            #expect(try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json", body: huge).status == .contentTooLarge)
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let deepWebhook = try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json", body: deep)
            #expect(deepWebhook.status == .unprocessableContent || deepWebhook.status == .badRequest, "\(deepWebhook.status)")
            let deepEvent = Events.event("erp", "deep-1", "clearway.customer.upserted.v1", String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000))
            let r = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: deepEvent)
            #expect(r.status == .unprocessableContent || r.status == .badRequest, "\(r.status)")
            let longId = Events.event("erp", String(repeating: "i", count: 10_000), "clearway.customer.upserted.v1", #"{"customerId":"C","name":"x","tier":"standard"}"#)
            let id = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents+json", body: longId)
            #expect(id.status == .unprocessableContent && String(buffer: id.body).contains("at most 200 characters"), "\(id.status)")
            let tooLong = try await h.send(.post, "/v1/webhooks", as: .admin, contentType: "application/json",
                                           body: #"{"url":"https://hooks.example.com","description":""# + String(repeating: "d", count: 501) + #""}"#)
            #expect(tooLong.status == .unprocessableContent && String(buffer: tooLong.body).contains("/description"))
            #expect(try await h.send(.get, "/v1/webhooks", as: .admin).status == .ok)
            #expect(try h.json(try await h.send(.get, "/v1/webhooks", as: .admin))["items"].map { ($0 as? [Any])?.count } == 0)
        }
    }

    @Test("numbers beyond range, undeclared methods and malformed query values get 422 and 405 naming the problem")
    func rangesAndMethods() async throws {
        try await Harness.run(.sqlite) { h in
            let age = try await h.send(.get, "/v1/cases?minAgeHours=5e41", as: .viewer)
            #expect(age.status == .unprocessableContent && String(buffer: age.body).contains("/query/minAgeHours"))
            let limit = try await h.send(.get, "/v1/cases?limit=abc", as: .viewer)
            #expect(limit.status == .unprocessableContent && String(buffer: limit.body).contains("/query/limit"))
            let date = try await h.send(.get, "/v1/insights/report?from=2026-13-40", as: .viewer)
            #expect(date.status == .unprocessableContent && String(buffer: date.body).contains("/query/from"))
            // 150 letters each with two combining marks: 150 characters, 450 code points.
            let zalgo = String(repeating: "o\u{0336}\u{0319}", count: 150).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let marks = try await h.send(.get, "/v1/edi/outbound?orderId=\(zalgo)", as: .viewer)
            #expect(marks.status == .unprocessableContent && String(buffer: marks.body).contains("/query/orderId"), "lengths count code points, as JSON Schema does")
            let trace = try await h.send(.init("TRACE")!, "/v1/cases", as: .viewer)
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "GET, HEAD")
            let put = try await h.send(.put, "/v1/actions/retry", as: .admin, contentType: "application/json", body: "{}")
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "POST")
            #expect(try await h.send(.get, "/health/live", as: nil).status == .ok)
        }
    }
}
