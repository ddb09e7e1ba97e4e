import AsyncHTTPClient
import ClearwayStore
import Foundation
import Logging
import NIOCore
import Testing

/// SIGTERM (what an orchestrator sends before replacing a node) stops new work but lets
/// every request already being handled finish and be answered; nothing acknowledged is lost.
@Suite struct GracefulShutdownTests {
    @Test("requests in flight when SIGTERM arrives are answered 200 and their events are stored")
    func inFlightRequestsFinish() async throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-shutdown-\(UUID().uuidString).db").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) } }
        let token = "shutdown-admin-\(UUID().uuidString)"
        let server = try ChildProcess(BrowserTools.clearway, ["serve", "--port", "0", "--database", "sqlite:\(db)", "--log-level", "error"],
                                      environment: ["CLEARWAY_BOOTSTRAP_TOKEN": token, "CLEARWAY_DATA_KEY": Data(repeating: 7, count: 32).base64EncodedString()])
        defer { server.stop() }
        let base = try await server.listeningURL()
        let client = HTTPClient.shared

        func request(_ body: HTTPClientRequest.Body) -> HTTPClientRequest {
            var request = HTTPClientRequest(url: base + "/v1/events")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/cloudevents-batch+json")
            request.body = body
            return request
        }
        func post(_ events: [String]) async throws -> (UInt, String) {
            let response = try await client.execute(request(.bytes(ByteBuffer(string: "[" + events.joined(separator: ",") + "]"))), timeout: .seconds(120))
            return (response.status.code, String(buffer: try await response.body.collect(upTo: 16 << 20)))
        }
        func inFlight() async throws -> Int {
            var request = HTTPClientRequest(url: base + "/metrics")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let text = String(buffer: try await client.execute(request, timeout: .seconds(10)).body.collect(upTo: 4 << 20))
            let line = text.split(separator: "\n").first { $0.hasPrefix("clearway_http_requests_in_flight ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map(Int.init) ?? 0
        }

        #expect(try await post(Events.reference).0 == 200)
        // Six requests whose bodies arrive in two halves: each is being handled (its head
        // read, its body awaited) when SIGTERM arrives, and only then gets the rest.
        let bodies = (0..<6).map { b in
            Data(("[" + (0..<200).map { i in
                Events.seedOrder.replacingOccurrences(of: "order-so-1", with: "sd-\(b)-\(i)").replacingOccurrences(of: "\"SO-1\"", with: "\"SO-SD-\(b)-\(i)\"")
            }.joined(separator: ",") + "]").utf8)
        }
        let streams = bodies.map { _ in AsyncStream.makeStream(of: ByteBuffer.self) }
        let sends = zip(bodies, streams).map { body, stream in
            Task {
                let response = try await client.execute(request(.stream(stream.stream, length: .known(Int64(body.count)))), timeout: .seconds(120))
                return (response.status.code, String(buffer: try await response.body.collect(upTo: 16 << 20)))
            }
        }
        for (body, stream) in zip(bodies, streams) { stream.continuation.yield(ByteBuffer(bytes: body.prefix(body.count / 2))) }
        var seen = 0
        for _ in 0..<2_000 where seen < 7 { seen = try await inFlight() }   // six posts and this read
        try #require(seen >= 7, "the six requests never were in flight together")
        server.process.terminate()                                          // SIGTERM
        for (body, stream) in zip(bodies, streams) {
            stream.continuation.yield(ByteBuffer(bytes: body.suffix(from: body.count / 2)))
            stream.continuation.finish()
        }
        for send in sends {
            let (status, body) = try await send.value
            #expect(status == 200, "\(body.prefix(300))")
            #expect(body.contains("\"accepted\":200"), "\(body.prefix(300))")
        }
        let (exit, output) = try await server.finish()
        #expect(exit == 0, "\(output.suffix(2000))")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = try await Database.open(.sqlite(path: db), logger: logger)
        let events = try await store.checkConsistency().totals["events"]
        await store.close()
        #expect(events == Events.reference.count + 1_200)
    }
}
