import ClearwayEngine
import ClearwayIntelligence
import Foundation
import Hummingbird
import Prometheus

/// Prometheus metrics owned by the application (no process-wide bootstrap), so several
/// applications can run in one test process.
final class ClearwayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Requests being handled now; a graceful shutdown waits for them to reach 0.
    var inFlight: Gauge {
        registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "http_requests_in_flight", helpText: "HTTP requests being handled now"))
    }

    func eventIngested(type: String, status: String) {
        registry.makeCounter(descriptor: .init(namespace: "clearway", metricName: "events", unitName: "total", helpText: "Events received, by type and outcome"), labels: [("type", type), ("status", status)]).increment()
    }

    func request(method: String, status: Int, duration: Duration) {
        let statusClass = "\(status / 100)xx"
        registry.makeCounter(descriptor: .init(namespace: "clearway", metricName: "http_requests", unitName: "total", helpText: "HTTP requests by method and status class"), labels: [("method", method), ("status", statusClass)]).increment()
        registry.makeDurationHistogram(descriptor: .init(namespace: "clearway", metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency by method"), labels: [("method", method)],
                                       buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                                 .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)])
            .record(duration)
    }

    /// Connector health as gauges: deliveries by outcome since start and whether the circuit is open.
    func connectors(_ status: [ConnectorStatus]) {
        for c in status {
            for (outcome, n) in c.deliveries {
                registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "connector_deliveries", helpText: "Delivery attempts by connector and outcome since start"),
                                   labels: [("system", c.system), ("outcome", outcome)]).set(to: Double(n))
            }
            registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "connector_circuit_open", helpText: "1 while the connector's circuit breaker is open"),
                               labels: [("system", c.system)]).set(to: c.circuit == "open" ? 1.0 : 0.0)
        }
    }

    /// The message classifier's health: the version serving (0: none), whether one should
    /// serve but cannot, and who read messages since start.
    func classifier(_ health: MessageReader.Health) {
        registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "classifier_serving_version", helpText: "The message classifier version in service on this node (0: rules only)"))
            .set(to: Double(health.version ?? 0))
        registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "classifier_unavailable", helpText: "1 while a promoted classifier cannot be used and rules read every message"))
            .set(to: health.problem == nil ? 0 : 1)
        for (who, n) in [("model", health.decidedByModel), ("rules", health.decidedByRules)] {
            registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "classifier_decisions", helpText: "Customer messages read since start, by who decided"),
                               labels: [("decided_by", who)]).set(to: Double(n))
        }
        registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "classifier_failures", helpText: "Messages the model gave no usable answer for since start"))
            .set(to: Double(health.modelFailures))
        // An alert can watch for a sentence model that reads with TF-IDF alone on some node.
        registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "classifier_reads_sentences",
                                             helpText: "1 while the serving classifier reads sentence vectors on this node, 0 while it reads TF-IDF alone"))
            .set(to: health.reading == .sentence ? 1 : 0)
        registry.makeGauge(descriptor: .init(namespace: "clearway", metricName: "classifier_encoder_missing",
                                             helpText: "1 while the serving classifier was trained with sentence vectors but this node has no encoder for them"))
            .set(to: health.modelReadsSentences && health.reading != .sentence ? 1 : 0)
    }

    func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Counts requests by method and status class and times them.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ClearwayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let inFlight = metrics.inFlight
        inFlight.increment()
        defer { inFlight.decrement() }
        let response = try await next(request, context)
        metrics.request(method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
