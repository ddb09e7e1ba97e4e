import Foundation
import Hummingbird
import Prometheus

/// Prometheus metrics owned by the application (no process-wide bootstrap), so several
/// applications can run in one test process.
final class ClearwayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

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
        let response = try await next(request, context)
        metrics.request(method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
