import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// `POST /v1/edi/x12`: a raw X12 document in; each transaction set's outcome and the 997
/// out, as JSON.
struct EDIRoute {
    static let maxBodyBytes = 10 * 1024 * 1024

    let engine: ClearwayEngine

    func x12(_ request: Request) async throws -> Response {
        let principal = try RequestPrincipal.require(.ingestEvents)
        let data = try await RequestBody.read(request, limit: Self.maxBodyBytes, advice: "split the interchanges into several files")
        guard !data.isEmpty else { throw Problem.invalid([FieldProblem(pointer: "/", detail: "the body must be an X12 document (ISA … IEA)")]) }
        // X12 is ASCII in practice; bytes outside UTF-8 are read as Latin-1 rather than refused.
        let text = String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
        // Each file can hold thousands of orders: a few at a time per node, the rest told to retry.
        let result = try await engine.ediUploads.run { try await engine.ingestX12(text, actor: principal.auditName) }
        return try JSONResponse.make(X12Response(result))
    }
}

extension EDIRoute {
    /// `POST /v1/edi/edifact`: a raw EDIFACT interchange in; each message's outcome out.
    func edifact(_ request: Request) async throws -> Response {
        let principal = try RequestPrincipal.require(.ingestEvents)
        let data = try await RequestBody.read(request, limit: Self.maxBodyBytes, advice: "split the interchanges into several files")
        guard !data.isEmpty else { throw Problem.invalid([FieldProblem(pointer: "/", detail: "the body must be an EDIFACT interchange (UNA/UNB … UNZ)")]) }
        let sets = try await engine.ediUploads.run { try await engine.ingestEdifact(String(decoding: data, as: UTF8.self), actor: principal.auditName) }
        let messages = sets.map {
            EdifactResponse.Message(interchange: $0.interchange, messageType: $0.code, reference: $0.controlNumber, orderNumber: $0.purchaseOrder,
                                    outcome: $0.outcome, caseIds: $0.caseIds, reason: $0.reason)
        }
        return try JSONResponse.make(EdifactResponse(accepted: sets.count { $0.outcome == "accepted" }, rejected: sets.count { $0.outcome == "rejected" },
                                                     messages: messages))
    }

    /// `GET /v1/edi/outbound?orderId=`: the 855s Clearway wrote, newest first, for the
    /// partners' pickup (integration keys) and for people reading cases.
    func outbound(_ request: Request) async throws -> Response {
        guard let principal = RequestPrincipal.current else { throw Problem.unauthorized("Send Authorization: Bearer <api key>.") }
        let orderId = request.uri.queryParameters["orderId"].map(String.init)
        if let orderId, orderId.isEmpty || orderId.count > 200 { throw Problem.invalid([FieldProblem(pointer: "/query/orderId", detail: "must be 1–200 characters")]) }
        let items = try await engine.ediOutbound(orderId: orderId, by: principal).map {
            OutboundDocument(id: $0.id, partner: $0.partner, kind: $0.kind, orderId: $0.orderId, purchaseOrder: $0.purchaseOrder,
                             createdAt: $0.createdAt.iso8601, document: $0.document)
        }
        return try JSONResponse.make(["items": items])
    }
}

struct EdifactResponse: Codable {
    struct Message: Codable {
        var interchange: String
        var messageType: String
        var reference: String
        var orderNumber: String?
        var outcome: String
        var caseIds: [String]
        var reason: String?
    }
    var accepted: Int
    var rejected: Int
    var messages: [Message]
}

struct OutboundDocument: Codable {
    var id: String
    var partner: String
    var kind: String
    var orderId: String
    var purchaseOrder: String
    var createdAt: String
    var document: String
}

struct X12Response: Codable {
    struct Set: Codable {
        var interchange: String
        var group: String
        var transactionSet: String
        var controlNumber: String
        var purchaseOrder: String?
        var outcome: String
        var caseIds: [String]
        var reason: String?
    }

    var accepted: Int
    var rejected: Int
    var transactionSets: [Set]
    var acknowledgment997: String

    init(_ r: X12IntakeResult) {
        transactionSets = r.sets.map {
            Set(interchange: $0.interchange, group: $0.group, transactionSet: $0.code, controlNumber: $0.controlNumber, purchaseOrder: $0.purchaseOrder,
                outcome: $0.outcome, caseIds: $0.caseIds, reason: $0.reason)
        }
        accepted = r.sets.count { $0.outcome == "accepted" }
        rejected = r.sets.count { $0.outcome == "rejected" }
        acknowledgment997 = r.acknowledgment
    }
}
