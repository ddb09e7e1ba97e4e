import ClearwayCore
import ClearwayEngine
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

@testable import ClearwayHTTP

#if canImport(Glibc)
import Glibc
#endif

/// A client that sends its request head a byte at a time holds no connection for long.
@Suite("Slow clients")
struct SlowClientTests {
    @Test("a connection that has not sent a whole request head in time is closed by the server")
    func headTimeout() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-slow-\(UUID().uuidString).db").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        var config = ServeConfiguration(host: "127.0.0.1", port: 0, engine: EngineSetup(
            database: .sqlite(path: path), policy: try DefaultPolicy.load(), bootstrapToken: "cw_slow-client-test-0123456789abcdefghij"))
        config.requestHeadTimeout = .milliseconds(300)
        var logger = Logger(label: "slow")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let (app, _) = try await buildApplication(config, logger: logger, onListening: { continuation.yield($0); continuation.finish() })
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var port = 0
            for await p in ports { port = p }
            let closedByServer = try await Task.detached { try Self.sendPartialHeadAndWait(port: port) }.value
            #expect(closedByServer, "the server closed the half-sent request")
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    /// Sends half a request head, then waits (at most 20 s, a bound, not a pause) for the
    /// server to close the connection; true when it did.
    static func sendPartialHeadAndWait(port: Int) throws -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        var bound = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, socklen_t(MemoryLayout<timeval>.size))
        let partial = Array("GET /health/live HTTP/1.1\r\nHost: loc".utf8)
        _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n == 0
    }
}
