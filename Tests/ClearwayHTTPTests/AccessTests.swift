import ClearwayCore
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Hummingbird
import Testing

@Suite("Authentication and roles")
struct AccessTests {
    @Test("no token and an unknown token get 401; a revoked key stops working")
    func unauthenticated() async throws {
        try await Harness.run(.sqlite) { h in
            #expect(try await h.send(.get, "/v1/cases", as: nil).status == .unauthorized)
            #expect(try await h.send(.get, "/v1/cases", as: nil, headers: [.authorization: "Bearer nope"]).status == .unauthorized)
            #expect(try await h.send(.get, "/metrics", as: nil).status == .unauthorized)
            let secret = "temp-viewer-secret"
            let key = try await h.engine.database.createAPIKey(name: "temp", role: .viewer, secret: secret, at: h.clock.now(), by: "test setup")
            #expect(try await h.send(.get, "/v1/cases", as: nil, headers: [.authorization: "Bearer \(secret)"]).status == .ok)
            #expect(try await h.engine.database.revokeAPIKey(id: key.id, at: h.clock.now(), by: "test setup"))
            h.clock.advance(seconds: 10)
            #expect(try await h.send(.get, "/v1/cases", as: nil, headers: [.authorization: "Bearer \(secret)"]).status == .unauthorized)
        }
    }

    @Test("each endpoint checks its role: 403 for the wrong one")
    func roleMatrix() async throws {
        try await Harness.run(.sqlite) { h in
            let event = Events.reference[0]
            for role in Role.allCases {
                let post = try await h.send(.post, "/v1/events", as: role, contentType: "application/cloudevents+json", body: event)
                #expect((post.status == .ok) == role.allows(.ingestEvents), "POST /v1/events as \(role)")
                #expect(post.status == .ok || post.status == .forbidden)
                let cases = try await h.send(.get, "/v1/cases", as: role)
                #expect((cases.status == .ok) == role.allows(.readCases), "GET /v1/cases as \(role)")
                let letters = try await h.send(.get, "/v1/dead-letters", as: role)
                #expect((letters.status == .ok) == role.allows(.readDeadLetters), "GET /v1/dead-letters as \(role)")
                let metrics = try await h.send(.get, "/metrics", as: role)
                #expect((metrics.status == .ok) == role.allows(.readMetrics), "GET /metrics as \(role)")
                for path in ["/v1/insights/kpis", "/v1/insights/report", "/v1/insights/root-causes", "/v1/insights/ocel", "/v1/insights/breach-risk"] {
                    let insight = try await h.send(.get, path, as: role)
                    #expect((insight.status == .ok) == role.allows(.readCases), "GET \(path) as \(role)")
                }
                let classifier = try await h.send(.get, "/v1/models/classifier", as: role)
                #expect((classifier.status == .ok) == role.allows(.readCases), "GET /v1/models/classifier as \(role)")
                let rollback = try await h.send(.post, "/v1/models/classifier/rollback", as: role, contentType: "application/json", body: "{}")
                #expect((rollback.status == .conflict) == role.allows(.manageModels), "POST /v1/models/classifier/rollback as \(role)")
                #expect(rollback.status == .conflict || rollback.status == .forbidden)
                let actions = try await h.send(.get, "/v1/actions", as: role)
                #expect((actions.status == .ok) == role.allows(.readCases), "GET /v1/actions as \(role)")
                let connectors = try await h.send(.get, "/v1/connectors", as: role)
                #expect((connectors.status == .ok) == role.allows(.readDeadLetters), "GET /v1/connectors as \(role)")
                let webhooks = try await h.send(.get, "/v1/webhooks", as: role)
                #expect((webhooks.status == .ok) == role.allows(.manageKeys), "GET /v1/webhooks as \(role)")
                let retry = try await h.send(.post, "/v1/actions/retry", as: role, contentType: "application/json", body: #"{"actionIds":["ACT-X"]}"#)
                #expect((retry.status == .ok) == role.allows(.replayDeadLetters), "POST /v1/actions/retry as \(role)")
                let approve = try await h.send(.post, "/v1/actions/ACT-X/approve", as: role, contentType: "application/json", body: "{}")
                #expect((approve.status == .notFound) == role.allows(.approveActions), "POST /v1/actions/{id}/approve as \(role)")
                let skip = try await h.send(.post, "/v1/actions/ACT-X/skip", as: role, contentType: "application/json", body: #"{"reason":"long enough reason"}"#)
                #expect((skip.status == .notFound) == role.allows(.overridePolicy), "POST /v1/actions/{id}/skip as \(role)")
            }
            let metrics = String(buffer: try await h.send(.get, "/metrics", as: .viewer).body)
            #expect(metrics.contains("clearway_events_total{type=\"clearway.customer.upserted.v1\",status=\"accepted\"} 1"), "\(metrics)")
            #expect(metrics.contains("clearway_http_requests_total"))
            #expect(try await h.send(.get, "/health/ready", as: nil).status == .ok)
            let spec = try await h.send(.get, "/openapi.yaml", as: nil)
            #expect(spec.status == .ok)
            #expect(String(buffer: spec.body).contains("/v1/events"))
        }
    }
}
