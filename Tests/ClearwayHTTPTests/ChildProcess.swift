import Foundation

/// A child process whose output is read as it arrives, without blocking a concurrency thread.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let chunks: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private var collected = ""

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        (chunks, continuation) = AsyncStream.makeStream(of: String.self)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let continuation = self.continuation
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; continuation.finish() } else { continuation.yield(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
    }

    /// Everything written until `marker` appears (or the process ends).
    func output(until marker: String) async throws -> String {
        for await chunk in chunks {
            collected += chunk
            if collected.contains(marker) { return collected }
        }
        throw ChildProcessEnded(output: collected)
    }

    /// The address `clearway serve --port 0` says it listens on.
    func listeningURL() async throws -> String {
        let started = try await output(until: "Listening on http://")
        guard let url = started.split(separator: "\n").last(where: { $0.contains("Listening on http://") })?.split(separator: " ").last else {
            throw ChildProcessEnded(output: started)
        }
        return String(url)
    }

    /// Waits for the process to end; returns its status and all it wrote.
    func finish() async throws -> (Int32, String) {
        for await chunk in chunks { collected += chunk }
        // Output is closed, so the process has ended or is about to: wait without
        // holding a concurrency thread.
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
        return (status, collected)
    }

    func stop() {
        if process.isRunning { process.interrupt() }
    }
}

struct ChildProcessEnded: Error, CustomStringConvertible {
    var output: String
    var description: String { "the process ended before it was ready:\n\(output)" }
}
