import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/events`: CloudEvents in structured (single, batch) and binary content modes.
struct EventsRoute {
    static let maxBodyBytes = 4 * 1024 * 1024

    let engine: ClearwayEngine
    let metrics: ClearwayMetrics

    func handle(_ request: Request) async throws -> Response {
        let principal = try RequestPrincipal.require(.ingestEvents)
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Self.maxBodyBytes {
            throw Problem(status: .contentTooLarge, title: "Body too large",
                          detail: "Event bodies are limited to \(Self.maxBodyBytes / 1_048_576) MiB; split the batch.", slug: "too-large")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw Problem(status: .contentTooLarge, title: "Body too large",
                          detail: "Event bodies are limited to \(Self.maxBodyBytes / 1_048_576) MiB; split the batch.", slug: "too-large")
        }
        let data = Data(buffer: body)
        let policy = engine.policy
        let now = engine.clock.now()
        let events: [IncomingEvent]
        switch mediaType {
        case CloudEventCodec.structuredType:
            events = try CloudEventCodec.decode(body: data, mode: .single, policy: policy, receivedAt: now)
        case CloudEventCodec.batchType:
            events = try CloudEventCodec.decode(body: data, mode: .batch, policy: policy, receivedAt: now)
        case "application/json":
            if request.headers[HTTPTypes.HTTPField.Name("ce-specversion")!] != nil {
                var headers: [String: String] = [:]
                for field in request.headers where field.name.canonicalName.hasPrefix("ce-") { headers[field.name.canonicalName] = field.value }
                events = try CloudEventCodec.decodeBinary(headers: headers, body: data, policy: policy, receivedAt: now)
            } else {
                let mode: CloudEventCodec.Mode = data.first(where: { !$0.isWhitespace }) == UInt8(ascii: "[") ? .batch : .single
                events = try CloudEventCodec.decode(body: data, mode: mode, policy: policy, receivedAt: now)
            }
        default:
            throw Problem(status: .unsupportedMediaType, title: "Unsupported content type",
                          detail: "Send \(CloudEventCodec.structuredType), \(CloudEventCodec.batchType), or application/json with ce- headers; got '\(mediaType.isEmpty ? "none" : String(mediaType.prefix(100)))'.",
                          slug: "unsupported-media-type")
        }
        let outcomes = try await engine.ingest(events, actor: principal.auditName)
        for o in outcomes { metrics.eventIngested(type: o.type, status: o.status.rawValue) }
        let result = IngestResponse(
            accepted: outcomes.count { $0.status == .accepted },
            duplicates: outcomes.count { $0.status == .duplicate },
            deadLettered: outcomes.count { $0.status == .deadLettered },
            results: outcomes)
        return try JSONResponse.make(result)
    }
}

struct IngestResponse: Codable {
    var accepted: Int
    var duplicates: Int
    var deadLettered: Int
    var results: [IngestOutcome]
}

enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension UInt8 {
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
