import ClearwayCore
import Instrumentation
import Logging
import Tracing

/// Tracing for one node: spans for intake, decisions, commits, deliveries and the calls
/// they make, exported by whatever tracer the node was started with (OTLP when the
/// `OTEL_*` environment asks for it). Off, it still carries the context work arrived with
/// (`TraceContext.current`), so logs name the trace and connectors receive it.
public struct Telemetry: Sendable {
    let tracer: (any Tracer)?

    /// No spans; incoming trace contexts are still passed on.
    public static let off = Telemetry(tracer: nil)

    public init(tracer: (any Tracer)?) { self.tracer = tracer }

    public var isOn: Bool { tracer != nil }

    /// Runs `body` in a span named `name`: a child of `parent` when given (an event's or a
    /// stored delivery's context), else of the current span. `links` name other traces
    /// the work belongs to (the requests one commit carries). While `body` runs,
    /// `TraceContext.current` is this span, or `parent` when tracing is off.
    public func span<T>(_ name: String, kind: Role = .internal, parent: TraceContext? = nil, links: [TraceContext] = [],
                        attributes: [String: String] = [:], _ body: (SpanNotes) async throws -> T) async throws -> T {
        guard let tracer else {
            guard let parent else { return try await body(SpanNotes(span: nil)) }
            return try await TraceContext.$current.withValue(parent) { try await body(SpanNotes(span: nil)) }
        }
        var context = InstrumentationContext.current ?? .topLevel
        if let parent { context = Self.context(parent, tracer: tracer) }
        let span = Self.start(tracer, name, context: context, kind: kind.spanKind)
        span.updateAttributes { a in for (key, value) in attributes { a[key] = SpanAttribute.string(value) } }
        for link in links { span.addLink(SpanLink(context: Self.context(link, tracer: tracer), attributes: [:])) }
        defer { span.end() }
        let current = Self.trace(of: span.context, tracer: tracer) ?? parent
        do {
            return try await InstrumentationContext.$current.withValue(span.context) {
                try await TraceContext.$current.withValue(current) {
                    try await SpanNotes.$current.withValue(SpanNotes(span: span)) { try await body(SpanNotes(span: span)) }
                }
            }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// What a span stands for, in OpenTelemetry's terms.
    public enum Role: Sendable {
        /// Work inside this node.
        case `internal`
        /// A request this node serves.
        case server
        /// A call this node makes.
        case client
        /// Work taken from a queue (a delivery from the outbox).
        case consumer

        var spanKind: SpanKind {
            switch self {
            case .internal: .internal
            case .server: .server
            case .client: .client
            case .consumer: .consumer
            }
        }
    }

    /// Headers to send with an outbound request made now: the current span, or the
    /// context the work arrived with.
    public func outgoingHeaders() -> [String: String] { TraceContext.current?.headers ?? [:] }

    static func start<T: Tracer>(_ tracer: T, _ name: String, context: InstrumentationContext, kind: SpanKind) -> any Span {
        tracer.startSpan(name, context: context, ofKind: kind)
    }

    static func context(_ trace: TraceContext, tracer: any Tracer) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        tracer.extract(trace.headers, into: &context, using: HeaderCarrier())
        return context
    }

    static func trace(of context: InstrumentationContext, tracer: any Tracer) -> TraceContext? {
        var headers: [String: String] = [:]
        tracer.inject(context, into: &headers, using: HeaderCarrier())
        return headers["traceparent"].flatMap { TraceContext(traceparent: $0, tracestate: headers["tracestate"]) }
    }
}

/// What a span's work adds once it knows it (the cases an event touched, the answer a
/// system gave); ignored when tracing is off.
public struct SpanNotes: Sendable {
    let span: (any Span)?

    /// Notes that go nowhere (no span).
    public static let none = SpanNotes(span: nil)

    /// The innermost span of the work in progress, when tracing is on.
    @TaskLocal public static var current: SpanNotes?

    /// Adds to a list attribute (the exceptions one decision opened, across its steps).
    public func append(_ key: String, _ values: [String]) {
        guard !values.isEmpty else { return }
        span?.updateAttributes { a in
            if case .stringArray(let old)? = a[key]?.toSpanAttribute() { a[key] = SpanAttribute.stringArray(old + values) } else { a[key] = SpanAttribute.stringArray(values) }
        }
    }

    public func set(_ key: String, _ value: String) { span?.updateAttributes { $0[key] = SpanAttribute.string(value) } }
    public func set(_ key: String, _ value: Int) { span?.updateAttributes { $0[key] = SpanAttribute.int64(Int64(value)) } }
    public func set(_ key: String, _ values: [String]) { span?.updateAttributes { $0[key] = SpanAttribute.stringArray(values) } }

    /// Names the span once its work knows what it was (the route a request matched).
    public func rename(_ name: String) { span?.operationName = name }

    /// Marks the span failed with a reason (an answer that is not an error thrown here).
    public func fail(_ reason: String) { span?.setStatus(SpanStatus(code: .error, message: reason)) }
}

/// Reads and writes trace headers in a plain dictionary (lower-case names).
struct HeaderCarrier: Extractor, Injector {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key.lowercased()] }
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key.lowercased()] = value }
}

extension Logger.MetadataProvider {
    /// `trace_id` and `span_id` of the work in progress on every log line, so a log search
    /// and a trace find each other.
    public static let traceContext = Logger.MetadataProvider {
        guard let trace = TraceContext.current else { return [:] }
        return ["trace_id": "\(trace.traceId)", "span_id": "\(trace.spanId)"]
    }
}
