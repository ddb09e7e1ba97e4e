import ClearwayCore
import ClearwayEngine
import ClearwayHTTP
import ClearwayIntegration
import ClearwayStore
import ClearwayTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A Clearway application on a fresh database with a manual clock and one key per role,
/// driven through the real router (authentication, problem mapping, generated API).
struct Harness: Sendable {
    let engine: ClearwayEngine
    let clock: ManualClock
    let client: any TestClientProtocol

    static let tokens: [Role: String] = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, "token-\($0.rawValue)") })

    /// Monday 2026-11-23 09:00 in Chicago (DC-CHI's calendar): an hour into the working day.
    static let mondayNine = Instant(iso8601: "2026-11-23T15:00:00Z")!

    static func run(_ kind: TestDatabaseKind, policy custom: Policy? = nil, telemetry: Telemetry = .off, singleSignOn: SingleSignOn? = nil,
                    start: Instant = mondayNine, _ body: @Sendable (Harness) async throws -> Void) async throws {
        try await TestDatabase.with(kind) { database in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let clock = ManualClock(start)
            for (role, token) in tokens { _ = try await database.createAPIKey(name: "\(role.rawValue)-key", role: role, secret: token, at: clock.now(), by: "test setup") }
            let policy = try custom ?? DefaultPolicy.load()
            let engine = ClearwayEngine(database: database, policy: policy, clock: clock, ids: SequentialIdentifiers(), telemetry: telemetry,
                                        singleSignOn: singleSignOn, logger: logger)
            let app = Application(router: try buildRouter(engine: engine, logger: logger), logger: logger)
            try await app.test(.router) { client in
                try await body(Harness(engine: engine, clock: clock, client: client))
            }
        }
    }

    // MARK: Requests

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, as role: Role? = .admin, contentType: String? = nil,
              body: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let role { headers[.authorization] = "Bearer \(Self.tokens[role]!)" }
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Posts a batch of events as the integration key and returns the decoded answer.
    @discardableResult
    func post(events: [String]) async throws -> [String: Any] {
        let response = try await send(.post, "/v1/events", as: .integration, contentType: "application/cloudevents-batch+json",
                                      body: "[" + events.joined(separator: ",") + "]")
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try json(response)
    }

    func get(_ uri: String, as role: Role = .viewer) async throws -> [String: Any] {
        let response = try await send(.get, uri, as: role)
        #expect(response.status == .ok, "GET \(uri): \(String(buffer: response.body))")
        return try json(response)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    /// Resolves the first exception of `type` on the order's case as an agent, with `code`.
    @discardableResult
    func resolve(_ type: String, onOrder orderId: String, code: String) async throws -> TestResponse {
        let caseId = try #require(try await get("/v1/cases?orderId=\(orderId)").list("items").first?.str("id"))
        let e = try #require(try await get("/v1/cases/\(caseId)").list("exceptions").first { $0.str("type") == type })
        return try await send(.post, "/v1/cases/\(caseId)/exceptions/\(try #require(e.str("id")))/resolve", as: .agent,
                              contentType: "application/json", body: #"{"code":"\#(code)"}"#)
    }

    /// Sends the reference data and the seed order, and returns its case and its pricing
    /// exception, with the exception's path in the API.
    func seededPricingException() async throws -> (caseId: String, exceptionId: String, path: String) {
        try await post(events: Events.reference + [Events.seedOrder])
        let summary = try #require(try await get("/v1/cases?queue=pricing").list("items").first)
        let caseId = try #require(summary.str("id"))
        let exceptionId = try #require(summary.list("exceptions").first { $0.str("queue") == "pricing" }?.str("id"))
        return (caseId, exceptionId, "/v1/cases/\(caseId)/exceptions/\(exceptionId)")
    }
}

/// CloudEvents for the seed scenario, as an ERP, WMS and TMS would send them.
enum Events {
    static func event(_ source: String, _ id: String, _ type: String, _ data: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"\#(source)","type":"\#(type)","data":\#(data)}"#
    }

    static let reference = [
        event("crm", "cust-acme", "clearway.customer.upserted.v1",
              #"{"customerId":"ACME","name":"Acme Industrial","tier":"key","segment":"industrial","creditLimit":100000,"paymentTerms":"NET30","taxId":"US-1","shipTo":"Dock 4"}"#),
        event("pim", "prod-bolt", "clearway.product.upserted.v1",
              #"{"sku":"BOLT-10","family":"fasteners","unitsOfMeasure":["EA"],"unitCost":5,"listPrice":12}"#),
        event("pim", "prod-wire", "clearway.product.upserted.v1",
              #"{"sku":"WIRE-2","family":"electrical","unitsOfMeasure":["EA"],"unitCost":20,"listPrice":40}"#),
        event("erp", "contract-acme-bolt", "clearway.contract.upserted.v1",
              #"{"customerId":"ACME","sku":"BOLT-10","price":10.40,"tolerancePercent":2}"#),
        event("wms", "stock-1", "clearway.inventory.snapshot.v1",
              #"{"site":"DC-CHI","positions":[{"sku":"BOLT-10","erpOnHand":500,"wmsOnHand":500},{"sku":"WIRE-2","erpOnHand":3,"wmsOnHand":3}]}"#),
        event("tms", "cap-chi-det", "clearway.carrier.capacity.v1",
              #"{"carrier":"FASTFREIGHT","lane":"CHI-DET","shipDate":"2026-11-25","capacity":20,"booked":20}"#),
    ]

    /// Line 1 over the contract price, line 2 short at DC-CHI, ship date on a full lane.
    static let seedOrder = event("erp", "order-so-1", "clearway.order.created.v1", """
        {"orderId":"SO-1","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-25",
         "lane":"CHI-DET","lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":100,"unitOfMeasure":"EA","unitPrice":11.95},
         {"lineNumber":2,"sku":"WIRE-2","quantity":10,"unitOfMeasure":"EA","unitPrice":40}]}
        """)

    static let stockArrives = event("wms", "stock-2", "clearway.inventory.snapshot.v1",
                                    #"{"site":"DC-CHI","positions":[{"sku":"WIRE-2","erpOnHand":50,"wmsOnHand":50}]}"#)
}

extension Dictionary where Key == String, Value == Any {
    func list(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func str(_ key: String) -> String? { self[key] as? String }
    func obj(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
}
