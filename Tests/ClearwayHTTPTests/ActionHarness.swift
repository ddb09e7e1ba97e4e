import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import ClearwaySimulator
import ClearwayTestSupport
import Foundation
import Logging
import Testing

/// Orders whose pricing exception the default policy's touchless rule clears: ACME's
/// contract says 10.40 for BOLT-10 and these orders say 11.00 (5.8% off, within 10%).
enum TouchlessOrders {
    static func order(_ n: Int, price: String = "11.00") -> String {
        Events.event("erp", "order-t\(n)", "clearway.order.created.v1", """
            {"orderId":"SO-T\(n)","customerId":"ACME","site":"DC-CHI","channel":"portal","orderDate":"2026-11-23","requestedShipDate":"2026-11-30",
             "lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":10,"unitOfMeasure":"EA","unitPrice":\(price)}]}
            """)
    }
}

extension Harness {
    /// A harness whose connectors reach simulated source systems (one endpoint per system,
    /// misbehaving as `faults` says), with the dispatcher the test drives pass by pass.
    static func withSystems(_ kind: TestDatabaseKind = .sqlite, faults: SourceSystemResponder.Faults = .init(),
                            connector: ConnectorSettings = ConnectorSettings(url: "", timeoutSeconds: 5, maxAttempts: 8, baseBackoffSeconds: 1,
                                                                             maxBackoffSeconds: 8, breakerFailures: 5, breakerOpenSeconds: 30),
                            telemetry: Telemetry = .off, _ body: @Sendable (Harness, SourceSystemResponder, OutboxDispatcher) async throws -> Void) async throws {
        try await run(kind, telemetry: telemetry) { h in
            let responder = SourceSystemResponder(faults: faults)
            var logger = Logger(label: "systems")
            logger.logLevel = .critical
            try await responder.serve(logger: logger) { base in
                h.engine.allowOutbound(["127.0.0.1"])
                for system in Set(ActionKind.allCases.map(\.system)) {
                    var settings = connector
                    settings.url = SourceSystemResponder.endpoint(base: base, system: system)
                    h.engine.connectors.register(system, connector: HTTPConnector(client: h.engine.outbound, settings: settings), settings: settings)
                }
                try await body(h, responder, OutboxDispatcher(engine: h.engine, random: { 0.5 }))
            }
        }
    }

    /// Actions of every case, by id.
    func actions(state: String? = nil) async throws -> [[String: Any]] {
        try await get("/v1/actions?limit=500" + (state.map { "&state=\($0)" } ?? "")).list("items")
    }

    /// Runs dispatcher passes, moving the clock `step` seconds between them, until no
    /// action is queued or `passes` run out. Returns the passes used.
    @discardableResult
    func drain(_ dispatcher: OutboxDispatcher, step: Double = 10, passes: Int = 100) async throws -> Int {
        for pass in 1...passes {
            try await dispatcher.dispatchOnce()
            if try await actions(state: "queued").isEmpty { return pass }
            clock.advance(seconds: step)
        }
        return passes
    }

    func exception(_ caseId: String) async throws -> [String: Any] {
        try #require(try await get("/v1/cases/\(caseId)").list("exceptions").first)
    }
}
