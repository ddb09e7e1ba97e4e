import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat

/// `POST /v1/events`: CloudEvents in structured (single, batch) and binary content modes.
struct EventsRoute {
    static let maxBodyBytes = 4 * 1024 * 1024

    let engine: ClearwayEngine
    let metrics: ClearwayMetrics

    func handle(_ request: Request) async throws -> Response {
        let principal = try RequestPrincipal.require(.ingestEvents)
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let data = try await RequestBody.read(request, limit: Self.maxBodyBytes, advice: "split the batch")
        let snapshot = engine.policySnapshot, policy = snapshot.policy
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
        let outcomes = try await engine.ingest(events, by: principal, policy: snapshot)
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

/// Reads a request body up to a limit; anything larger is refused before it is read whole.
enum RequestBody {
    static func read(_ request: Request, limit: Int, advice: String) async throws -> Data {
        let tooLarge = Problem(status: .contentTooLarge, title: "Body too large",
                               detail: "Bodies here are limited to \(limit / 1_048_576) MiB; \(advice).", slug: "too-large")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw tooLarge }
        do { return Data(buffer: try await request.body.collect(upTo: limit)) } catch { throw tooLarge }
    }
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
