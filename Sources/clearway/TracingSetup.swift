import ClearwayCore
import ClearwayIntegration
import Foundation
import OTel
import ServiceLifecycle

/// OpenTelemetry tracing from the standard `OTEL_*` environment. Off unless asked for:
/// `OTEL_TRACES_EXPORTER=otlp` (or `console`), or an OTLP endpoint
/// (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`);
/// `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keeps it off. Spans go over
/// OTLP/HTTP, protobuf unless `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`. The endpoint is the
/// operator's own collector, so the outbound policy for connectors does not apply to it.
enum TracingSetup {
    struct Enabled {
        let telemetry: Telemetry
        let service: any Service
        let summary: String
    }

    /// Why tracing is off, or nil when the environment asks for it.
    static func offReason(_ environment: [String: String]) -> String? {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return "OTEL_SDK_DISABLED is true" }
        switch environment["OTEL_TRACES_EXPORTER"]?.lowercased() {
        case "none": return "OTEL_TRACES_EXPORTER is none"
        case "otlp", "console": return nil
        case .some(let other): return "OTEL_TRACES_EXPORTER \(other) is not supported (otlp, console or none)"
        case nil:
            let endpoints = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
            return endpoints.contains { !(environment[$0] ?? "").isEmpty } ? nil : "no OTEL_EXPORTER_OTLP_ENDPOINT is set"
        }
    }

    /// The tracer and its export service, or nil when tracing is off. A setting the
    /// exporter cannot use stops the node with its name rather than running untraced.
    /// `queueSize` holds more finished spans between exports than the default 2,048 (the
    /// demo's backfill decides weeks of orders in seconds); `OTEL_BSP_MAX_QUEUE_SIZE` wins.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment, queueSize: Int? = nil) throws -> Enabled? {
        guard offReason(environment) == nil else { return nil }
        let proto = environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? environment["OTEL_EXPORTER_OTLP_PROTOCOL"]
        if let proto, !["http/protobuf", "http/json"].contains(proto) {
            throw CLIError.badInput("OTEL_EXPORTER_OTLP_PROTOCOL \(proto) is not supported by this build; use http/protobuf or http/json")
        }
        var config = OTel.Configuration.default
        config.serviceName = "clearway"
        config.logs.enabled = false
        config.metrics.enabled = false   // metrics are served for Prometheus at /metrics
        config.traces.enabled = true
        config.traces.otlpExporter.protocol = .httpProtobuf
        config.diagnosticLogLevel = .warning
        if let queueSize {
            config.traces.batchSpanProcessor.maxQueueSize = queueSize
            config.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        }
        do {
            let backend = try OTel.makeTracingBackend(configuration: config)
            let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "the console"
            return Enabled(telemetry: Telemetry(tracer: backend.factory), service: backend.service,
                           summary: "Tracing: spans go to \(endpoint.hasPrefix("http") ? RedactedURL.text(endpoint) : endpoint) over OTLP/\(proto ?? "http/protobuf")")
        } catch {
            throw CLIError.badInput("OpenTelemetry settings cannot be used: \(error)")
        }
    }
}
