import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird

/// Health probes, Prometheus metrics and the OpenAPI document.
struct OpsRoutes {
    let engine: ClearwayEngine
    let metrics: ClearwayMetrics

    func register(on router: Router<ClearwayRequestContext>) {
        router.get("/health/live") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/health/ready") { _, _ in
            let readiness = await engine.databaseReadiness()
            return readiness.ready ? try JSONResponse.make(["status": "ready", "database": readiness.database])
                : try JSONResponse.make(["status": "unavailable", "database": readiness.database], status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            _ = try RequestPrincipal.require(.readMetrics)
            metrics.connectors(engine.connectors.status())
            metrics.classifier(engine.messageReader.health)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("/openapi.yaml") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw HTTPError(.notFound)
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
