/// A W3C Trace Context (`traceparent`, `tracestate`): where in a distributed trace
/// something happened. It arrives with a request or an event (the CloudEvents
/// distributed-tracing extension), is kept with the case it opens and with every delivery
/// the decision queues, and is sent on to connectors and webhooks, so one order can be
/// followed from the ERP's event to the ERP's action.
public struct TraceContext: Sendable, Hashable, Codable {
    /// `version-traceid-parentid-flags`, lower-case hex, as received or as the current span.
    public let traceparent: String
    /// Vendor entries, passed on unchanged (nil when absent or unusable).
    public let tracestate: String?

    /// The longest `tracestate` kept (the W3C limit for what a vendor must propagate).
    public static let maxStateLength = 512

    /// A valid context, or nil. An unusable `tracestate` is dropped, not the context:
    /// the W3C rule for a receiver.
    public init?(traceparent: String, tracestate: String? = nil) {
        guard Self.problem(traceparent: traceparent) == nil else { return nil }
        // A later version is read for its first four fields and passed on as version 00.
        self.traceparent = traceparent.utf8.count == 55 ? traceparent : "00" + traceparent.dropFirst(2).prefix(53)
        self.tracestate = tracestate.flatMap { Self.problem(tracestate: $0) == nil && !$0.isEmpty ? $0 : nil }
    }

    /// The 32-digit trace id every span of one trace shares.
    public var traceId: String { String(traceparent.dropFirst(3).prefix(32)) }
    /// The 16-digit id of the span this context points at (the parent of what follows).
    public var spanId: String { String(traceparent.dropFirst(36).prefix(16)) }
    /// Whether the caller asked for this trace to be recorded.
    public var sampled: Bool { traceparent.last.flatMap { $0.hexDigitValue }.map { $0 & 1 == 1 } ?? false }

    /// The headers (or CloudEvents attributes) that carry this context.
    public var headers: [String: String] {
        var h = ["traceparent": traceparent]
        if let tracestate { h["tracestate"] = tracestate }
        return h
    }

    /// The context of the work in progress: the current span when tracing is on, else the
    /// context the work arrived with. Set by the engine around each request, event and delivery.
    @TaskLocal public static var current: TraceContext?

    /// Why `traceparent` is not a W3C trace parent, or nil. Linear in its length.
    public static func problem(traceparent: String) -> String? {
        let bytes = Array(traceparent.utf8.prefix(257))
        guard bytes.count >= 55 else { return "must be version-traceid-parentid-flags (55 characters), found \(bytes.count)" }
        let shape = "must be version-traceid-parentid-flags in lower-case hex, e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        for (start, length) in [(0, 2), (3, 32), (36, 16), (53, 2)] where !bytes[start..<start + length].allSatisfy(isHex) {
            return shape
        }
        guard bytes[2] == dash, bytes[35] == dash, bytes[52] == dash else { return shape }
        let version = bytes[0..<2]
        if version.elementsEqual("ff".utf8) { return "version ff is not allowed" }
        // Version 00 is exactly 55 characters; a later version may carry more after a dash.
        if version.elementsEqual("00".utf8), bytes.count != 55 { return "version 00 must be exactly 55 characters" }
        if bytes.count > 55, bytes[55] != dash { return shape }
        if bytes[3..<35].allSatisfy({ $0 == zero }) { return "the trace id must not be all zeros" }
        if bytes[36..<52].allSatisfy({ $0 == zero }) { return "the parent id must not be all zeros" }
        return nil
    }

    /// Why `tracestate` cannot be passed on, or nil: too long, or not printable ASCII.
    public static func problem(tracestate: String) -> String? {
        let bytes = tracestate.utf8
        guard bytes.count <= maxStateLength else { return "must be at most \(maxStateLength) characters" }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return "must be printable ASCII" }
        return nil
    }

    private static let dash = UInt8(ascii: "-"), zero = UInt8(ascii: "0")
    private static func isHex(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))
    }
}
