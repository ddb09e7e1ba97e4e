import Foundation

/// Where the public logs and the Python peers are: `shared/data` beside the repository (as
/// CI has it) or `$CLEARWAY_SHARED_DATA`; the peers' Python in `$CLEARWAY_PEERS_PYTHON`.
/// `CLEARWAY_REQUIRE_PEERS=1` (set by CI) turns a missing peer into a failure, not a skip.
public enum PeerData {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var sharedData: URL { SharedData.url }

    public static let orderManagementLog = sharedData.appendingPathComponent("eventlogs/ocel-order-management.csv")

    public static let python = ProcessInfo.processInfo.environment["CLEARWAY_PEERS_PYTHON"]
    public static let required = ProcessInfo.processInfo.environment["CLEARWAY_REQUIRE_PEERS"] == "1"
    public static var available: Bool { python != nil || required }

    /// Runs a peer script under `bench/peers/` and returns what it printed on standard output.
    public static func run(script: String, _ arguments: [String]) throws -> Data {
        guard let python else { throw PeerMissing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("bench/peers/\(script)").path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PeerFailed(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self)) }
        return data
    }

    public struct PeerMissing: Error, CustomStringConvertible {
        public var description: String { "CLEARWAY_REQUIRE_PEERS=1 but CLEARWAY_PEERS_PYTHON is not set to a Python with the peers installed" }
    }

    public struct PeerFailed: Error, CustomStringConvertible {
        public var status: Int32
        public var output: String
        public var description: String { "the peer script exited with \(status): \(output.prefix(500))" }
    }
}
