import AsyncHTTPClient
import ClearwayCore
import Foundation
import NIOCore
import Synchronization

/// Clients posting events to one or more Clearway nodes over HTTP, the way a source
/// system's integration would: each request is sent again (to the next node) until a node
/// acknowledges it with 200, so an event is never given up on. Records every acknowledged
/// event and each request's latency (the acknowledged attempt only).
final class IngestLoad: Sendable {
    struct Request: Sendable {
        var body: Data
        var batch: Bool
        /// `source/id` of each event in the body.
        var keys: [String]
    }

    struct Totals: Sendable {
        var acknowledged: [String] = []
        var latencies: [Duration] = []
        var requests = 0
        var events = 0
        /// Acknowledged events that opened or touched a case (an exception was found).
        var withCase = 0
        /// Attempts that got no answer (connection refused or cut) and were sent again.
        var retriedAfterNoAnswer = 0
        /// 429 or 503 answers (back-pressure, not ready) that were waited out.
        var backedOff = 0
        /// Answers that were neither 200 nor retryable: each is a failure of the run.
        var refused: [String] = []
        var elapsed: Duration = .zero
    }

    let nodes: [String]
    let token: String
    let client: HTTPClient
    private let totals = Mutex(Totals())
    private let cursor = Mutex(0)
    private let stopping = Mutex(false)

    init(nodes: [String], token: String, client: HTTPClient) {
        self.nodes = nodes; self.token = token; self.client = client
    }

    /// No new requests are taken after this; requests in flight still finish.
    func stop() { stopping.withLock { $0 = true } }

    var snapshot: Totals { totals.withLock { $0 } }

    /// Runs `clients` workers taking requests from `make(n)` (n = 0, 1, 2, …) until it
    /// returns nil or `stop()` is called. Worker w starts on node w mod nodes.
    func run(clients: Int, make: @escaping @Sendable (Int) -> Request?) async -> Totals {
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<clients {
                group.addTask {
                    var node = w % self.nodes.count
                    while !self.stopping.withLock({ $0 }) {
                        let n = self.cursor.withLock { c -> Int in defer { c += 1 }; return c }
                        guard let request = make(n) else { break }
                        node = await self.send(request, startingAt: node)
                    }
                }
            }
        }
        totals.withLock { $0.elapsed = ContinuousClock.now - start }
        return snapshot
    }

    /// Sends until acknowledged; returns the node to use next.
    func send(_ request: Request, startingAt first: Int) async -> Int {
        var node = first
        var http = HTTPClientRequest(url: "")
        http.method = .POST
        http.headers.add(name: "Authorization", value: "Bearer \(token)")
        http.headers.add(name: "Content-Type", value: request.batch ? "application/cloudevents-batch+json" : "application/cloudevents+json")
        while true {
            http.url = nodes[node] + "/v1/events"
            http.body = .bytes(ByteBuffer(bytes: request.body))
            let t = ContinuousClock.now
            do {
                let response = try await client.execute(http, timeout: .seconds(60))
                let body = try await response.body.collect(upTo: 16 << 20)
                switch response.status.code {
                case 200:
                    let latency = ContinuousClock.now - t
                    let withCase = Self.eventsWithCase(JSONValue.parse(Data(buffer: body)))
                    totals.withLock {
                        $0.acknowledged += request.keys; $0.latencies.append(latency); $0.requests += 1; $0.events += request.keys.count
                        $0.withCase += withCase
                    }
                    return (node + 1) % nodes.count
                case 429, 503:
                    totals.withLock { $0.backedOff += 1 }
                    let wait = response.headers.first(name: "Retry-After").flatMap(Double.init) ?? 0.2
                    try? await Task.sleep(for: .milliseconds(Int(min(wait, 5) * 1000)))
                default:
                    let text = String(buffer: body).prefix(300)
                    totals.withLock { $0.refused.append("\(response.status.code) from \(nodes[node]): \(text)") }
                    return (node + 1) % nodes.count
                }
            } catch {
                totals.withLock { $0.retriedAfterNoAnswer += 1 }
                node = (node + 1) % nodes.count
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Outcomes in an answer (one, or a batch's list) whose `caseIds` is not empty.
    static func eventsWithCase(_ answer: JSONValue?) -> Int {
        switch answer {
        case .object(let fields):
            if case .array(let ids)? = fields["caseIds"] { return ids.isEmpty ? 0 : 1 }
            return fields.values.reduce(0) { $0 + eventsWithCase($1) }
        case .array(let items): return items.reduce(0) { $0 + eventsWithCase($1) }
        default: return 0
        }
    }

    /// The events of order numbers `range` as one request (a batch when more than one).
    static func orders(_ range: Range<Int>, from order: (Int) -> JSONValue) -> Request {
        let events = range.map(order)
        let keys = events.map { "\($0["source"]?.stringValue ?? "")/\($0["id"]?.stringValue ?? "")" }
        if events.count == 1 { return Request(body: events[0].canonicalData(), batch: false, keys: keys) }
        return Request(body: JSONValue.array(events).canonicalData(), batch: true, keys: keys)
    }
}
