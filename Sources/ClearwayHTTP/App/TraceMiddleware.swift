import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Hummingbird

/// Each request as a server span, a child of the caller's W3C `traceparent` when it sent
/// one. A `traceparent` that is not valid is ignored, as the W3C rule asks: tracing never
/// refuses a request. Everything the request causes (intake, decisions, the deliveries it
/// queues) joins this trace.
struct TraceMiddleware<Context: RequestContext>: RouterMiddleware {
    let telemetry: Telemetry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let incoming = request.headers[.init("traceparent")!].flatMap {
            TraceContext(traceparent: $0, tracestate: request.headers[.init("tracestate")!])
        }
        guard telemetry.isOn || incoming != nil else { return try await next(request, context) }
        let method = request.method.rawValue
        let attributes = ["http.request.method": method, "url.path": request.uri.path, "url.scheme": "http"]
        return try await telemetry.span(method, kind: .server, parent: incoming, attributes: attributes) { notes in
            let response = try await next(request, context)
            if let route = context.endpointPath {
                notes.rename("\(method) \(route)")
                notes.set("http.route", route)
            }
            notes.set("http.response.status_code", Int(response.status.code))
            if response.status.code >= 500 { notes.fail("HTTP \(response.status.code)") }
            return response
        }
    }
}
