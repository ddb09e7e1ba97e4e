import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Testing

@Suite("One trace from the ERP's event to the ERP's action")
struct TracingTests {
    /// The trace the ERP's order event belongs to (CloudEvents tracing extension) and the
    /// trace of the HTTP call that carried it (a different one, as when a gateway sends it).
    static let eventTrace = TraceContext(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "erp=42")!
    static let requestTrace = TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!

    static func tracedOrder(_ n: Int) -> String {
        let plain = TouchlessOrders.order(n)
        return "{\"traceparent\":\"\(eventTrace.traceparent)\",\"tracestate\":\"erp=42\"," + plain.dropFirst()
    }

    static func postTraced(_ h: Harness, _ events: [String]) async throws -> TestResponse {
        try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents-batch+json",
                         body: "[" + events.joined(separator: ",") + "]", headers: [.init("traceparent")!: requestTrace.traceparent])
    }

    @Test("exported spans link the event, its decision, the delivery and the connector call; the ERP hears the call's span",
          arguments: ["http/protobuf", "http/json"])
    func exportedTrace(_ proto: String) async throws {
        let receiver = OTLPReceiver()
        try await receiver.serve { endpoint in
            var config = OTel.Configuration.default
            config.serviceName = "clearway-test"
            config.logs.enabled = false
            config.metrics.enabled = false
            config.traces.otlpExporter.endpoint = endpoint + "/v1/traces"
            config.traces.otlpExporter.protocol = proto == "http/json" ? .httpJSON : .httpProtobuf
            config.traces.batchSpanProcessor.scheduleDelay = .milliseconds(50)
            config.diagnosticLogLevel = .error
            let backend = try OTel.makeTracingBackend(configuration: config)
            let exporter = ServiceGroup(services: [backend.service], logger: Logger(label: "otel"))
            let seen = Seen()
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await exporter.run() }
                try await Harness.withSystems(telemetry: Telemetry(tracer: backend.factory)) { h, systems, dispatcher in
                    try await h.post(events: Events.reference)
                    let response = try await Self.postTraced(h, [Self.tracedOrder(1)])
                    #expect(response.status == .ok)
                    try await h.drain(dispatcher)
                    let action = try #require(try await h.actions().first)
                    #expect(action.str("state") == "completed")
                    let caseId = try #require(action.str("caseId"))
                    let summary = try await h.get("/v1/cases/\(caseId)").obj("case")
                    #expect(summary.str("traceId") == Self.eventTrace.traceId)
                    let actionId = try #require(action.str("id"))
                    seen.value.withLock { $0 = (caseId, actionId, systems.ledger.traceparents[actionId]) }
                }
                // Drained: every span is finished; the exporter sends what it holds as it stops.
                await exporter.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let (caseId, actionId, heard) = seen.value.withLock { $0 }
            try await Self.checkTrace(receiver.spans, heard: heard, caseId: caseId, actionId: actionId)
            #expect(receiver.contentTypes.allSatisfy { $0.hasPrefix(proto == "http/json" ? "application/json" : "application/x-protobuf") })
        }
    }

    static func checkTrace(_ spans: [OTLPReceiver.ExportedSpan], heard: String?, caseId: String, actionId: String) async throws {
        func one(_ name: String, _ match: (OTLPReceiver.ExportedSpan) -> Bool = { _ in true }) throws -> OTLPReceiver.ExportedSpan {
            try #require(spans.first { $0.name == name && match($0) }, "no \(name) among \(spans)")
        }
        // The HTTP call: a server span in the caller's trace, intake under it.
        let server = try one("POST /v1/events") { $0.traceId == requestTrace.traceId }
        #expect(server.parentSpanId == requestTrace.spanId)
        let intake = try one("clearway.intake") { $0.parentSpanId == server.spanId }
        #expect(intake.attributes["cloudevents.event_id"] == "order-t1")
        let commit = try one("clearway.commit") { $0.links.contains { $0.spanId == intake.spanId } }
        #expect(commit.traceId == requestTrace.traceId)
        // The decision joins the event's own trace, under the ERP's span.
        let decide = try one("clearway.decide") { $0.attributes["cloudevents.event_id"] == "order-t1" }
        #expect(decide.traceId == eventTrace.traceId)
        #expect(decide.parentSpanId == eventTrace.spanId)
        #expect(decide.attributes["clearway.order.id"] == "SO-T1")
        #expect(decide.attributes["clearway.case.ids"] == caseId)
        #expect(decide.attributes["clearway.exception.ids"]?.isEmpty == false)
        // The delivery, queued by that decision, runs later in the same trace.
        let deliver = try one("clearway.deliver") { $0.attributes["clearway.action.id"] == actionId }
        #expect(deliver.traceId == eventTrace.traceId)
        #expect(deliver.parentSpanId == decide.spanId)
        #expect(deliver.attributes["clearway.case.id"] == caseId)
        #expect(deliver.attributes["clearway.order.id"] == "SO-T1")
        #expect(deliver.attributes["clearway.delivery.outcome"] == "applied")
        // The connector call, and what the ERP heard: that call's span.
        let call = try one("POST") { $0.parentSpanId == deliver.spanId }
        #expect(call.traceId == eventTrace.traceId)
        #expect(call.attributes["http.response.status_code"] == "200")
        let heard = try #require(heard.flatMap { TraceContext(traceparent: $0) })
        #expect(heard.traceId == eventTrace.traceId)
        #expect(heard.spanId == call.spanId)
    }

    @Test("with tracing off the event's trace still reaches the ERP and stays with the case", arguments: TestDatabaseKind.available)
    func passThrough(_ kind: TestDatabaseKind) async throws {
        try await Harness.withSystems(kind) { h, systems, dispatcher in
            try await h.post(events: Events.reference)
            #expect(try await Self.postTraced(h, [Self.tracedOrder(1)]).status == .ok)
            try await h.drain(dispatcher)
            let action = try #require(try await h.actions().first)
            #expect(systems.ledger.traceparents[action.str("id") ?? ""] == Self.eventTrace.traceparent)
            let summary = try await h.get("/v1/cases/\(action.str("caseId") ?? "")").obj("case")
            #expect(summary.str("traceparent") == Self.eventTrace.traceparent)
            #expect(summary.str("traceId") == Self.eventTrace.traceId)
        }
    }

    @Test("orders decided together in one batch each keep their own trace", arguments: TestDatabaseKind.available)
    func batchKeepsEachTrace(_ kind: TestDatabaseKind) async throws {
        let traces = (1...3).map { TraceContext(traceparent: "00-\(String(repeating: "\($0)", count: 32))-\(String(repeating: "a", count: 15))\($0)-01")! }
        let orders = traces.enumerated().map { n, trace in "{\"traceparent\":\"\(trace.traceparent)\"," + TouchlessOrders.order(n + 10).dropFirst() }
        try await Harness.withSystems(kind) { h, systems, dispatcher in
            try await h.post(events: Events.reference + orders)
            try await h.drain(dispatcher)
            let actions = try await h.actions()
            #expect(actions.count == 3)
            for action in actions {
                let summary = try await h.get("/v1/cases/\(action.str("caseId") ?? "")").obj("case")
                let orderNumber = Int((summary.str("orderId") ?? "").dropFirst(4)) ?? 0
                let expected = traces[orderNumber - 10].traceparent
                #expect(summary.str("traceparent") == expected)
                #expect(systems.ledger.traceparents[action.str("id") ?? ""] == expected)
            }
        }
    }

    @Test("an event without a trace of its own is kept in the trace of the request that sent it")
    func requestTraceForPlainEvents() async throws {
        try await Harness.withSystems { h, systems, dispatcher in
            try await h.post(events: Events.reference)
            #expect(try await Self.postTraced(h, [TouchlessOrders.order(2)]).status == .ok)
            try await h.drain(dispatcher)
            let action = try #require(try await h.actions().first)
            #expect(systems.ledger.traceparents[action.str("id") ?? ""] == Self.requestTrace.traceparent)
        }
    }

    @Test("a malformed traceparent on an event is refused naming it; on the HTTP request it is ignored, as W3C asks")
    func malformedTraceparent() async throws {
        try await Harness.run(.sqlite) { h in
            let bad = "{\"traceparent\":\"00-XYZ\"," + TouchlessOrders.order(3).dropFirst()
            let refused = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents-batch+json",
                                           body: "[\(bad)]")
            #expect(refused.status == .unprocessableContent)
            let problem = try h.json(refused)
            let pointers = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0.str("pointer") }
            #expect(pointers.contains("/0/traceparent"), "\(problem)")
            let ignored = try await h.send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents-batch+json",
                                           body: "[" + Events.reference.joined(separator: ",") + "]",
                                           headers: [.init("traceparent")!: "not-a-trace"])
            #expect(ignored.status == .ok)
        }
    }

    @Test("log lines name the trace and span of the work in progress")
    func logMetadata() {
        let none = Logger.MetadataProvider.traceContext.get()
        #expect(none.isEmpty)
        TraceContext.$current.withValue(Self.eventTrace) {
            let metadata = Logger.MetadataProvider.traceContext.get()
            #expect(metadata["trace_id"] == "\(Self.eventTrace.traceId)")
            #expect(metadata["span_id"] == "\(Self.eventTrace.spanId)")
        }
    }
}

/// What a test body saw, read after the body returns.
final class Seen: Sendable {
    let value = Mutex<(caseId: String, actionId: String, heard: String?)>(("", "", nil))
}
