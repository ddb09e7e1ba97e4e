import Foundation

/// Runs a peer implementation's script under `bench/peers/` with the peers' Python, on one
/// thread, and returns what it printed; benchmarks set its answer beside Clearway's.
enum PeerRunner {
    static func run(python: String?, script: String, arguments: [String], installs: String) throws -> Data {
        let python = python ?? ProcessInfo.processInfo.environment["CLEARWAY_PEERS_PYTHON"] ?? ".venv-peers/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw CLIError.badInput("no Python with \(installs) at \(python): see RECIPES (python3 -m venv .venv-peers && .venv-peers/bin/pip install \(installs)) or pass --peer-python")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["bench/peers/\(script)"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["OMP_NUM_THREADS"] = "1"; env["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError.failure("\(script) failed (exit \(process.terminationStatus)): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return data
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, from script: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw CLIError.failure("\(script) printed something unexpected: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
    }
}
