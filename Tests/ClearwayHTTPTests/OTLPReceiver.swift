import ClearwaySimulator
import Foundation
import Hummingbird
import Synchronization

/// A trace collector on loopback: takes OTLP/HTTP exports (`POST /v1/traces`, protobuf or
/// JSON) and decodes the spans in them, so a test checks what Clearway really exported.
final class OTLPReceiver: Sendable {
    struct ExportedSpan: Sendable, CustomStringConvertible {
        var traceId = "", spanId = "", parentSpanId = "", name = ""
        var attributes: [String: String] = [:]
        var links: [(traceId: String, spanId: String)] = []
        var description: String { "\(name) \(traceId)/\(spanId) ← \(parentSpanId)" }
    }

    private let received = Mutex<[ExportedSpan]>([])
    private let bodies = Mutex<[String]>([])

    var spans: [ExportedSpan] { received.withLock { $0 } }
    /// The content types exports arrived with.
    var contentTypes: [String] { bodies.withLock { $0 } }

    func serve<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let data = Data((try await request.body.collect(upTo: 16 << 20)).readableBytesView)
            let type = request.headers[.contentType] ?? ""
            self.bodies.withLock { $0.append(type) }
            let json = type.hasPrefix("application/json")
            let spans = json ? try Self.decodeJSON(data) : try Self.decodeProtobuf(Array(data))
            self.received.withLock { $0 += spans }
            return Response(status: .ok, headers: [.contentType: json ? "application/json" : "application/x-protobuf"],
                            body: .init(byteBuffer: ByteBuffer(string: json ? "{}" : "")))
        }
        return try await LoopbackServer.serve(router, name: "otlp-receiver", body)
    }

    struct Malformed: Error {}

    // MARK: OTLP/JSON

    static func decodeJSON(_ data: Data) throws -> [ExportedSpan] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Malformed() }
        var spans: [ExportedSpan] = []
        for resource in root["resourceSpans"] as? [[String: Any]] ?? [] {
            for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                for s in scope["spans"] as? [[String: Any]] ?? [] {
                    var span = ExportedSpan(traceId: id(s["traceId"]), spanId: id(s["spanId"]), parentSpanId: id(s["parentSpanId"]),
                                            name: s["name"] as? String ?? "")
                    for a in s["attributes"] as? [[String: Any]] ?? [] {
                        span.attributes[a["key"] as? String ?? ""] = jsonValue(a["value"] as? [String: Any] ?? [:])
                    }
                    span.links = (s["links"] as? [[String: Any]] ?? []).map { (id($0["traceId"]), id($0["spanId"])) }
                    spans.append(span)
                }
            }
        }
        return spans
    }

    /// Ids as lower-case hex, whether sent as hex (the OTLP/JSON rule) or base64 (protobuf's JSON).
    static func id(_ value: Any?) -> String {
        guard let text = value as? String, !text.isEmpty else { return "" }
        if text.count == 32 || text.count == 16, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        return Data(base64Encoded: text).map { $0.map { String(format: "%02x", $0) }.joined() } ?? text
    }

    static func jsonValue(_ v: [String: Any]) -> String {
        if let s = v["stringValue"] as? String { return s }
        if let i = v["intValue"] { return "\(i)" }
        if let array = (v["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]] { return array.map(jsonValue).joined(separator: ",") }
        return ""
    }

    // MARK: OTLP/protobuf (ExportTraceServiceRequest), the fields a test reads

    static func decodeProtobuf(_ bytes: [UInt8]) throws -> [ExportedSpan] {
        var spans: [ExportedSpan] = []
        for (field, resource) in try fields(bytes[...]) where field == 1 {                // resource_spans
            for (field, scope) in try fields(resource.bytes) where field == 2 {           // scope_spans
                for (field, raw) in try fields(scope.bytes) where field == 2 {            // spans
                    var span = ExportedSpan()
                    for (field, value) in try fields(raw.bytes) {
                        switch field {
                        case 1: span.traceId = hex(value.bytes)
                        case 2: span.spanId = hex(value.bytes)
                        case 4: span.parentSpanId = hex(value.bytes)
                        case 5: span.name = String(decoding: value.bytes, as: UTF8.self)
                        case 9:
                            let kv = try fields(value.bytes)
                            let key = kv.first { $0.0 == 1 }.map { String(decoding: $0.1.bytes, as: UTF8.self) } ?? ""
                            span.attributes[key] = try kv.first { $0.0 == 2 }.map { try anyValue($0.1.bytes) } ?? ""
                        case 13:
                            let link = try fields(value.bytes)
                            span.links.append((hex(link.first { $0.0 == 1 }?.1.bytes ?? []), hex(link.first { $0.0 == 2 }?.1.bytes ?? [])))
                        default: break
                        }
                    }
                    spans.append(span)
                }
            }
        }
        return spans
    }

    static func anyValue(_ bytes: ArraySlice<UInt8>) throws -> String {
        guard let (field, value) = try fields(bytes).first else { return "" }
        switch field {
        case 1: return String(decoding: value.bytes, as: UTF8.self)
        case 3: return "\(Int64(bitPattern: value.varint))"
        case 5: return try fields(value.bytes).filter { $0.0 == 1 }.map { try anyValue($0.1.bytes) }.joined(separator: ",")
        default: return ""
        }
    }

    struct Field { var bytes: ArraySlice<UInt8> = []; var varint: UInt64 = 0 }

    /// The fields of one message: (number, value), length-delimited values as bytes.
    static func fields(_ bytes: ArraySlice<UInt8>) throws -> [(Int, Field)] {
        var out: [(Int, Field)] = []
        var i = bytes.startIndex
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < bytes.endIndex, shift < 64 else { throw Malformed() }
                let b = bytes[i]; i += 1
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while i < bytes.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: out.append((number, Field(varint: try varint())))
            case 1: guard i + 8 <= bytes.endIndex else { throw Malformed() }; i += 8
            case 2:
                let length = Int(try varint())
                guard length >= 0, i + length <= bytes.endIndex else { throw Malformed() }
                out.append((number, Field(bytes: bytes[i..<i + length])))
                i += length
            case 5: guard i + 4 <= bytes.endIndex else { throw Malformed() }; i += 4
            default: throw Malformed()
            }
        }
        return out
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
