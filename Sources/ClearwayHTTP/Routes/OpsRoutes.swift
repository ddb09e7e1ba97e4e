import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// Health probes, Prometheus metrics, the OpenAPI document and the landing page.
struct OpsRoutes {
    let engine: ClearwayEngine
    let metrics: ClearwayMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health/live") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/health/ready") { _, _ in
            do {
                _ = try await engine.database.verifyConnection()
                return try JSONResponse.make(["status": "ready", "database": engine.database.dialect.rawValue])
            } catch {
                return try JSONResponse.make(["status": "unavailable", "database": engine.database.dialect.rawValue], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ in
            _ = try RequestPrincipal.require(.readMetrics)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("/openapi.yaml") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw HTTPError(.notFound)
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Self.landing)))
        }
    }

    static let landing = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clearway</title></head>
        <body style="font-family:system-ui;max-width:40rem;margin:3rem auto;line-height:1.5">
        <h1>Clearway</h1><p>Order-exception coordination is running.</p>
        <ul><li><a href="/openapi.yaml">API contract (OpenAPI)</a></li>
        <li><a href="/health/ready">Readiness</a></li></ul>
        <p>The API needs <code>Authorization: Bearer &lt;api key&gt;</code>.</p></body></html>
        """
}
