import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `clearway serve` process started by a tool (crash test, cluster benchmark): its own
/// port and log file, killed hard or stopped gracefully, and started again on the same port.
final class NodeProcess: @unchecked Sendable {
    let name: String
    let port: Int
    let arguments: [String]
    let environment: [String: String]
    let logPath: String
    private var process: Process?

    init(name: String, port: Int, arguments: [String], environment: [String: String], logPath: String) {
        self.name = name; self.port = port; self.arguments = arguments; self.environment = environment; self.logPath = logPath
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var pid: Int32? { process?.processIdentifier }

    /// CPU time the process has used so far, user and system (from /proc), in seconds.
    var cpuSeconds: Double { pid.map(ProcessCPU.seconds(pid:)) ?? 0 }

    /// Starts the process (appending to its log) and waits until `/health/ready` answers 200.
    func start(client: HTTPClient, timeout: Duration = .seconds(120)) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        p.arguments = arguments + ["--port", String(port)]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard p.isRunning else { throw CLIError.failure("\(name) exited while starting (status \(p.terminationStatus)); see \(logPath)") }
            var request = HTTPClientRequest(url: baseURL + "/health/ready")
            request.method = .GET
            if let response = try? await client.execute(request, timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError.failure("\(name) did not become ready within \(timeout); see \(logPath)")
    }

    /// `kill -9`: no shutdown code runs, exactly like a power cut or the OOM killer.
    func killHard() async {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        await Self.waitForExit(p)
    }

    /// SIGTERM and wait: the graceful path (in-flight requests finish). A node still running
    /// after `grace` is killed, so a tool never waits forever on a node that will not stop.
    func stop(grace: Duration = .seconds(30)) async {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while p.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        await Self.waitForExit(p)
    }

    var isRunning: Bool { process?.isRunning ?? false }

    static func waitForExit(_ p: Process) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                p.waitUntilExit()
                continuation.resume()
            }
        }
    }

    /// This very executable, so the tool runs the build it came from.
    static var executable: String {
        Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// A port nobody listens on now: bound to 0 and released, for a child to take.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError.failure("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw CLIError.failure("cannot bind a socket to find a free port") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw CLIError.failure("cannot read the port the system chose") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
