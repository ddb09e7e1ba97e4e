import Foundation
import Testing

/// Where schemathesis is installed (CI: .ci/run makes .venv-contract); the contract test
/// runs when it is there and is required when CLEARWAY_REQUIRE_CONTRACT=1.
enum ContractTools {
    static let env = ProcessInfo.processInfo.environment
    static let schemathesis = env["CLEARWAY_SCHEMATHESIS"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".venv-contract/bin/schemathesis").path
    static var available: Bool {
        env["CLEARWAY_REQUIRE_CONTRACT"] == "1" || FileManager.default.isExecutableFile(atPath: schemathesis)
    }
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Contract/schemathesis.toml").path
}

/// Hostile input against the whole contract: schemathesis generates requests for every
/// operation in the served openapi.yaml (fixed seed and budget in
/// Tests/Contract/schemathesis.toml) against a real `clearway serve`; any 5xx, any answer
/// outside the contract, any invalid input accepted, or the server going away fails it.
@Suite struct ContractFuzzTests {
    @Test("schemathesis finds no 5xx and no answer outside openapi.yaml", .enabled(if: ContractTools.available, "needs schemathesis in .venv-contract"))
    func everyOperationKeepsTheContract() async throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-contract-\(UUID().uuidString).db").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) } }
        let token = "contract-admin-\(UUID().uuidString)"
        let server = try ChildProcess(BrowserTools.clearway, ["serve", "--port", "0", "--database", "sqlite:\(db)", "--log-level", "error",
                                                                   // Its requests without a valid key test the contract's 401s, not the
                                                                   // guessing throttle (HardeningTests): they must not turn into 429s.
                                                                   "--failed-key-limit", "1000000"],
                                      environment: ["CLEARWAY_BOOTSTRAP_TOKEN": token,
                                                    "CLEARWAY_DATA_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()])
        defer { server.stop() }
        let base = try await server.listeningURL()
        let run = try ChildProcess(ContractTools.schemathesis, ["--config-file", ContractTools.config, "run", "\(base)/openapi.yaml", "-u", base,
                                                                "-H", "Authorization: Bearer \(token)", "--no-color"])
        let (status, output) = try await run.finish()
        #expect(status == 0, "\(output.suffix(6000))")
        #expect(output.contains(" passed") && !output.contains("Server Unavailable"), "\(output.suffix(3000))")
    }
}
