import ClearwayCore
import Foundation
import Hummingbird
import Logging
import Synchronization

/// The source systems' side of actions: `POST /systems/{system}/actions` applies an action
/// to the simulated world, honours the `Idempotency-Key` header, and can be told to
/// misbehave the ways real systems do (refuse connections, fail a share of calls, apply an
/// action but answer too late).
public final class SourceSystemResponder: Sendable {
    public struct Faults: Sendable, Hashable {
        /// Every call fails with 503, nothing applied (the system is down).
        public var down = false
        /// Share of calls that fail with 503 before anything is applied.
        public var failureRate = 0.0
        /// Share of calls that apply the action but answer only after `lateAnswer`, past
        /// the connector's timeout.
        public var answerLateRate = 0.0
        public var lateAnswer: Duration = .seconds(1)
        /// Answer 202 and report the result later with a `clearway.action.result.v1` event.
        public var answerLater = false
        /// Action kinds the systems refuse (e.g. a price the ERP will not take).
        public var refuseKinds: Set<String> = []

        public init(down: Bool = false, failureRate: Double = 0, answerLateRate: Double = 0, lateAnswer: Duration = .seconds(1),
                    answerLater: Bool = false, refuseKinds: Set<String> = []) {
            self.down = down; self.failureRate = failureRate; self.answerLateRate = answerLateRate; self.lateAnswer = lateAnswer
            self.answerLater = answerLater; self.refuseKinds = refuseKinds
        }
    }

    public let ledger = ActionLedger()
    private let faults: Mutex<Faults>
    private let random: Mutex<SeededRandom>

    public init(faults: Faults = Faults(), seed: UInt64 = 7) {
        self.faults = Mutex(faults)
        self.random = Mutex(SeededRandom(seed: seed))
    }

    public func setFaults(_ f: Faults) { faults.withLock { $0 = f } }
    public var currentFaults: Faults { faults.withLock { $0 } }

    /// The URL a connector for `system` should post to, given the responder's base URL.
    public static func endpoint(base: String, system: String) -> String { "\(base)/systems/\(system)/actions" }

    func roll() -> Double { random.withLock { Double.random(in: 0..<1, using: &$0) } }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/systems/:system/actions") { request, context -> Response in
            try await self.handle(request, system: context.parameters.get("system") ?? "?")
        }
        return router
    }

    func handle(_ request: Request, system: String) async throws -> Response {
        let f = faults.withLock { $0 }
        if f.down || roll() < f.failureRate {
            ledger.countRequest()
            return Self.json(["status": .string("unavailable")], status: .serviceUnavailable)
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let key = request.headers[.init("Idempotency-Key")!], let payload = JSONValue.parse(Data(body.readableBytesView)) else {
            ledger.countRequest()
            return Self.json(["status": .string("rejected"), "reason": .string("Idempotency-Key header and a JSON body are required")], status: .badRequest)
        }
        let trace = request.headers[.init("traceparent")!]
        let (answer, _) = ledger.apply(key: key, payload: payload, traceparent: trace) { p in
            let kind = p["kind"]?.stringValue ?? ""
            if f.refuseKinds.contains(kind) {
                return .object(["status": .string("rejected"), "reason": .string("\(system) does not accept \(kind) for this order")])
            }
            let reference = "\(system.uppercased())-\(p["actionId"]?.stringValue ?? "?")"
            return .object(["status": .string(f.answerLater ? "accepted" : "applied"), "reference": .string(reference)])
        }
        if roll() < f.answerLateRate { try await Task.sleep(for: f.lateAnswer) }
        return Self.json(answer.objectValue ?? [:], status: answer["status"]?.stringValue == "accepted" ? .accepted : .ok)
    }

    static func json(_ fields: [String: JSONValue], status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: Array(JSONValue.object(fields).canonicalData()))))
    }

    /// Serves the responder on 127.0.0.1 at an ephemeral port; `body` gets the base URL.
    /// The server stops when `body` returns.
    public func serve<T: Sendable>(logger: Logger, _ body: (String) async throws -> T) async throws -> T {
        try await LoopbackServer.serve(router(), name: "simulated-systems", logger: logger, body)
    }
}
