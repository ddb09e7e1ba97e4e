import ClearwayCore
import Foundation

/// One CloudEvents 1.0 event as received: the envelope attributes Clearway uses, the raw
/// JSON (kept for the inbox and dead letters), and the data read into the canonical model.
public struct IncomingEvent: Sendable {
    public var id: String
    public var source: String
    public var type: EventType
    public var time: Instant?
    public var subject: String?
    /// Where the event was sent from in a distributed trace: the CloudEvents
    /// distributed-tracing extension (`traceparent`, `tracestate`).
    public var trace: TraceContext?
    /// The whole event as JSON, so a dead letter can be replayed exactly as sent.
    public var raw: JSONValue
    /// The canonical payload, or why it cannot be processed (→ dead letter).
    public var payload: Result<CanonicalEvent, UnprocessableEvent>
}

/// Reads CloudEvents in structured (single and batch) and binary content modes, checking
/// envelope and data together so one answer names every bad field of every event.
public enum CloudEventCodec {
    public static let structuredType = "application/cloudevents+json"
    public static let batchType = "application/cloudevents-batch+json"
    public static let maxBatchSize = 1_000

    public enum Mode: Sendable { case single, batch }

    public enum Rejection: Error, Sendable, Equatable {
        /// The body is not JSON at all (or not the shape the content type promises).
        case malformed(String)
        /// JSON, but fields break the contract; pointers are relative to the body.
        case invalid([FieldProblem])
    }

    public static func decode(body: Data, mode: Mode, policy: Policy, receivedAt: Instant) throws(Rejection) -> [IncomingEvent] {
        guard !body.isEmpty else { throw .malformed("The request body is empty; send a CloudEvent as JSON.") }
        let json: JSONValue
        do throws(JSONSyntaxError) {
            json = try JSONValue.parseStrict(body)
        } catch {
            throw .malformed("The request body is not valid JSON: \(error.description).")
        }
        switch (mode, json) {
        case (.single, .object):
            return try decodeAll([json], prefix: { _ in "" }, policy: policy, receivedAt: receivedAt)
        case (.single, _):
            throw .malformed("A single CloudEvent must be a JSON object; send arrays as \(batchType).")
        case (.batch, .array(let items)):
            guard !items.isEmpty else { throw .invalid([FieldProblem(pointer: "", detail: "the batch is empty")]) }
            guard items.count <= maxBatchSize else {
                throw .invalid([FieldProblem(pointer: "", detail: "a batch may hold at most \(maxBatchSize) events, found \(items.count)")])
            }
            return try decodeAll(items, prefix: { "/\($0)" }, policy: policy, receivedAt: receivedAt)
        case (.batch, _):
            throw .malformed("A CloudEvents batch must be a JSON array of events.")
        }
    }

    /// Binary content mode: attributes in `ce-` headers, the data alone in the body.
    public static func decodeBinary(headers: [String: String], body: Data, policy: Policy, receivedAt: Instant) throws(Rejection) -> [IncomingEvent] {
        let data: JSONValue
        do throws(JSONSyntaxError) {
            data = try JSONValue.parseStrict(body)
        } catch {
            throw .malformed("The request body is not valid JSON: \(error.description).")
        }
        var event: [String: JSONValue] = ["data": data, "datacontenttype": .string("application/json")]
        for (name, value) in headers where name.lowercased().hasPrefix("ce-") {
            event[String(name.lowercased().dropFirst(3))] = .string(value)
        }
        return try decodeAll([.object(event)], prefix: { _ in "" }, policy: policy, receivedAt: receivedAt)
    }

    static func decodeAll(_ items: [JSONValue], prefix: (Int) -> String, policy: Policy, receivedAt: Instant) throws(Rejection) -> [IncomingEvent] {
        let sink = ProblemSink()
        var events: [IncomingEvent] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let at = prefix(index)
            guard let event = readEnvelope(item, at: at, sink: sink, policy: policy, receivedAt: receivedAt) else { continue }
            if !seen.insert("\(event.source)\u{0}\(event.id)").inserted {
                sink.add("\(at)/id", "repeats the id of an earlier event in this batch from the same source")
                continue
            }
            events.append(event)
        }
        if !sink.problems.isEmpty { throw .invalid(sink.problems) }
        return events
    }

    static func readEnvelope(_ item: JSONValue, at: String, sink: ProblemSink, policy: Policy, receivedAt: Instant) -> IncomingEvent? {
        let r = FieldReader(item, at: at, problems: sink)
        guard item.objectValue != nil else { return nil }
        let before = sink.problems.count
        if let version = r.string("specversion"), version != "1.0" {
            r.fail("specversion", "must be \"1.0\", found \"\(version)\"")
        }
        let id = r.string("id")
        let source = r.string("source")
        let typeName = r.string("type")
        // The idempotency key is (source, id): bounded so a hostile sender cannot bloat the inbox.
        for (name, value) in [("id", id), ("source", source)] where (value?.count ?? 0) > 200 {
            r.fail(name, "must be at most 200 characters")
        }
        let time = r.timestamp("time", required: false)
        let subject = r.string("subject", required: false)
        let trace = readTrace(r)
        if let contentType = r.string("datacontenttype", required: false), !isJSON(contentType) {
            r.fail("datacontenttype", "must be application/json, found \"\(contentType)\"")
        }
        if r.has("data_base64") { r.fail("data_base64", "is not supported; send the data as JSON in \"data\"") }
        var type: EventType?
        if let typeName {
            type = EventType(rawValue: typeName)
            if type == nil {
                r.fail("type", "unknown event type \"\(typeName)\"; Clearway accepts \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        guard let type, let id, let source else {
            if r.has("data") == false { r.fail("data", "is required") }
            return nil
        }
        let data = r.object("data")
        let context = EventPayloads.Context(source: source, time: time ?? receivedAt, policy: policy)
        var payload: Result<CanonicalEvent, UnprocessableEvent>
        if let data {
            do throws(UnprocessableEvent) {
                guard let canonical = try EventPayloads.read(type, data, context) else { return nil }
                payload = .success(canonical)
            } catch {
                payload = .failure(error)
            }
        } else {
            return nil
        }
        guard sink.problems.count == before else { return nil }
        return IncomingEvent(id: id, source: source, type: type, time: time, subject: subject, trace: trace, raw: item, payload: payload)
    }

    /// The distributed-tracing extension: a bad `traceparent` or `tracestate` is named,
    /// like any other attribute, so a sender's tracing is not silently lost.
    static func readTrace(_ r: FieldReader) -> TraceContext? {
        guard let parent = r.string("traceparent", required: false) else {
            if r.has("tracestate") { r.fail("tracestate", "is only read together with traceparent") }
            return nil
        }
        let state = r.string("tracestate", required: false, nonEmpty: false)
        if let problem = TraceContext.problem(traceparent: parent) { r.fail("traceparent", problem); return nil }
        if let state, let problem = TraceContext.problem(tracestate: state) { r.fail("tracestate", problem); return nil }
        return TraceContext(traceparent: parent, tracestate: state)
    }

    static func isJSON(_ contentType: String) -> Bool {
        let base = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return base == "application/json" || base.hasSuffix("+json")
    }

    /// Re-reads a stored event (dead-letter replay) under the policy now in force.
    public static func reread(_ raw: JSONValue, policy: Policy, receivedAt: Instant) throws(Rejection) -> IncomingEvent {
        let events = try decodeAll([raw], prefix: { _ in "" }, policy: policy, receivedAt: receivedAt)
        guard let event = events.first else { throw .invalid([FieldProblem(pointer: "", detail: "not a CloudEvent")]) }
        return event
    }
}
