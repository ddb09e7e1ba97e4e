import ClearwayCore
@testable import ClearwayHTTP
import Foundation
import HTTPTypes
import Testing

/// Every operation in openapi.yaml × every role, plus no token and a revoked token. The
/// operations come from the served contract, so a new endpoint is in the matrix the day it
/// is declared, and the test fails until its permission is written down here.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// The permission each operation checks before anything else (nil: public).
    static let permission: [String: Permission?] = [
        "live": nil, "ready": nil, "openapiDocument": nil, "metrics": .readMetrics,
        "ingestEvents": .ingestEvents, "ingestX12": .ingestEvents, "ingestEdifact": .ingestEvents,
        "listCases": .readCases, "getCase": .readCases, "listCaseActions": .readCases, "listActions": .readCases, "getAction": .readCases,
        "listQueues": .readCases, "getKpis": .readCases, "getInsightReport": .readCases, "getRootCauses": .readCases, "exportOcel": .readCases,
        "getBreachRisk": .readCases, "getClassifier": .readCases, "getRecommendations": .readCases,
        "addComment": .workExceptions, "claimException": .workExceptions,
        // The sample assigns to someone else, and re-routing moves work between teams: supervisors.
        "assignException": .assignOthers, "rerouteException": .assignOthers, "acknowledgeEscalation": .assignOthers,
        "listNotifications": .readCases, "markNotificationsRead": .readCases,
        "getNotificationPreferences": .readCases, "putNotificationPreferences": .readCases, "unassignException": .workExceptions,
        "waitException": .workExceptions, "resumeException": .workExceptions, "resolveException": .workExceptions,
        "requestAction": .workExceptions, "assessAction": .workExceptions, "executeAction": .workExceptions, "correctRequestType": .workExceptions,
        "recommendationFeedback": .workExceptions, "bulkExceptions": .workExceptions,
        "approveAction": .approveActions, "rejectAction": .approveActions, "skipAction": .overridePolicy,
        "retryAction": .replayDeadLetters, "retryActions": .replayDeadLetters, "replayDeadLetter": .replayDeadLetters,
        "listDeadLetters": .readDeadLetters, "getDeadLetter": .readDeadLetters, "listConnectors": .readDeadLetters,
        "listWebhooks": .manageKeys, "createWebhook": .manageKeys, "deleteWebhook": .manageKeys,
        "promoteClassifier": .manageModels, "rollbackClassifier": .manageModels,
        "getBreachRiskModel": .readCases, "trainBreachRiskModel": .manageModels, "promoteBreachRiskModel": .manageModels,
        "rollbackBreachRiskModel": .manageModels,
        // Get next claims work; a person changes their own availability (the engine keeps
        // skills and anyone else's profile to supervisors). Views and the workload are reads.
        "getNextWork": .workExceptions, "updatePerson": .workExceptions,
        "getMyWork": .readCases, "getWorkload": .readCases, "listPeople": .readCases, "getPerson": .readCases,
        "listViews": .readCases, "createView": .readCases, "deleteView": .readCases, "listApprovals": .approveActions,
    ]

    static func allowed(_ role: Role, _ operation: String) -> Bool {
        // People who read cases see every partner's 855s; an integration key only its own
        // partners' (KeyBindingTests), and the matrix's keys are bound to none.
        if operation == "listEdiOutbound" { return role.allows(.readCases) }
        guard let entry = permission[operation] else { return false }
        return entry.map(role.allows) ?? true
    }

    struct Call { var operation: String; var method: HTTPRequest.Method; var path: String; var contentType: String?; var body: String? }

    static var calls: [Call] {
        APIContract.served.routes.flatMap { route in
            route.operationIds.sorted { $0.key < $1.key }.map { method, operation in
                let path = "/" + route.segments.map { $0.hasPrefix("{") ? "X-1" : $0 }.joined(separator: "/")
                var call = Call(operation: operation, method: HTTPRequest.Method(method)!, path: path, contentType: nil, body: nil)
                if let schema = route.body[method] { call.contentType = "application/json"; call.body = String(decoding: sample(schema.root, schema.components).canonicalData(), as: UTF8.self) }
                if operation == "ingestEvents" { call.contentType = "application/cloudevents+json"; call.body = Events.reference[0] }
                if operation == "ingestX12" || operation == "ingestEdifact" { call.contentType = "text/plain"; call.body = "x" }
                return call
            }
        }
    }

    /// The smallest document the schema accepts: required fields only, first enum values.
    static func sample(_ raw: JSONValue, _ components: [String: JSONValue]) -> JSONValue {
        var schema = raw
        if let ref = raw["$ref"]?.stringValue, let name = ref.split(separator: "/").last, let target = components[String(name)] { schema = target }
        if case .array(let values)? = schema["enum"], let first = values.first { return first }
        let type: String = switch schema["type"] { case .string(let t)?: t; case .array(let ts)?: ts.compactMap(\.stringValue).first { $0 != "null" } ?? "null"; default: "object" }
        func number(_ key: String) -> Double? { if case .number(let n)? = schema[key] { n } else { nil } }
        switch type {
        case "string": return .string(String(repeating: "x", count: max(1, Int(number("minLength") ?? 1))))
        case "integer", "number": return .number(number("minimum") ?? 1)
        case "boolean": return .bool(false)
        case "array": return .array(Array(repeating: schema["items"].map { sample($0, components) } ?? .null, count: max(1, Int(number("minItems") ?? 1))))
        case "null": return .null
        default:
            var fields: [String: JSONValue] = [:]
            if case .array(let required)? = schema["required"] {
                for name in required.compactMap(\.stringValue) { fields[name] = schema["properties"]?[name].map { sample($0, components) } ?? .string("x") }
            }
            return .object(fields)
        }
    }

    @Test("no token and a revoked token get 401 on every operation but the probes and the contract; each role gets 403 exactly where it lacks the permission")
    func everyOperationEveryRole() async throws {
        let calls = Self.calls
        #expect(calls.count >= 49, "the contract declares \(calls.count) operations")
        for call in calls { #expect(Self.permission[call.operation] != nil || call.operation == "listEdiOutbound", "\(call.operation) has no permission in the matrix") }
        try await Harness.run(.sqlite) { h in
            let secret = "revoked-admin-secret"
            let key = try await h.engine.database.createAPIKey(name: "soon revoked", role: .admin, secret: secret, at: h.clock.now(), by: "test setup")
            #expect(try await h.engine.database.revokeAPIKey(id: key.id, at: h.clock.now(), by: "test setup"))
            h.clock.advance(seconds: 10)
            for call in calls {
                let isPublic = Self.permission[call.operation] == .some(nil)
                let anonymous = try await h.send(call.method, call.path, as: nil, contentType: call.contentType, body: call.body)
                #expect((anonymous.status == .unauthorized) == !isPublic, "\(call.method) \(call.path) without a token: \(anonymous.status)")
                let revoked = try await h.send(call.method, call.path, as: nil, contentType: call.contentType, body: call.body,
                                               headers: [.authorization: "Bearer \(secret)"])
                #expect((revoked.status == .unauthorized) == !isPublic, "\(call.method) \(call.path) with a revoked key: \(revoked.status)")
                for role in Role.allCases {
                    let answer = try await h.send(call.method, call.path, as: role, contentType: call.contentType, body: call.body)
                    #expect((answer.status == .forbidden) == !Self.allowed(role, call.operation),
                            "\(call.operation) \(call.method) \(call.path) as \(role.rawValue): \(answer.status) \(String(buffer: answer.body).prefix(200))")
                    #expect(answer.status.code < 500, "\(call.operation) as \(role.rawValue): \(answer.status)")
                }
            }
        }
    }
}
