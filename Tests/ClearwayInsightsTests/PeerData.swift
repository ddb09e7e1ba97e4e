import Foundation

/// Where the public logs and the Python peers are: `shared/data` beside the repository (as
/// CI has it) or `$CLEARWAY_SHARED_DATA`; the peers' Python in `$CLEARWAY_PEERS_PYTHON`.
/// `CLEARWAY_REQUIRE_PEERS=1` (set by CI) turns a missing peer into a failure, not a skip.
enum PeerData {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let sharedData: URL = {
        if let data = ProcessInfo.processInfo.environment["CLEARWAY_SHARED_DATA"] { return URL(fileURLWithPath: data) }
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    static let orderManagementLog = sharedData.appendingPathComponent("eventlogs/ocel-order-management.csv")

    static let python = ProcessInfo.processInfo.environment["CLEARWAY_PEERS_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["CLEARWAY_REQUIRE_PEERS"] == "1"
    static var available: Bool { python != nil || required }

    /// Runs a peer script under `bench/peers/` and returns what it printed on standard output.
    static func run(script: String, _ arguments: [String]) throws -> Data {
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

    struct PeerMissing: Error, CustomStringConvertible {
        var description: String { "CLEARWAY_REQUIRE_PEERS=1 but CLEARWAY_PEERS_PYTHON is not set to a Python with the peers installed" }
    }

    struct PeerFailed: Error, CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "the peer script exited with \(status): \(output.prefix(500))" }
    }
}
