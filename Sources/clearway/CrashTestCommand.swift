import ArgumentParser
import AsyncHTTPClient
import ClearwayCore
import ClearwayEngine
import ClearwaySimulator
import ClearwayStore
import Foundation
import Logging

/// `clearway crash-test`: keeps promises under `kill -9`. Runs `clearway serve` node(s) on
/// one database with connectors to simulated source systems, posts orders from several
/// clients without pause, kills a node at random moments and starts it again, then checks
/// that every acknowledged event is stored exactly once, cases and outbox agree, no action
/// took effect twice in the source systems and the audit chain verifies.
struct CrashTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crash-test", abstract: "Kill the server at random moments under load, then verify nothing was lost or doubled.")

    @Option(help: "sqlite:PATH (default: a new temporary file) or postgres://… (needs --reset)") var database: String?
    @Flag(help: "Drop Clearway's tables first (required for PostgreSQL).") var reset = false
    @Option(help: "Server processes sharing the database (PostgreSQL only for more than one).") var nodes = 1
    @Option(help: "How many times a node is killed with SIGKILL.") var kills = 10
    @Option(help: "Concurrent clients posting events.") var clients = 6
    @Option(help: "Orders per batch request (every other request is a single event).") var batchSize = 25
    @Option(help: "Shortest time a node runs before it is killed, in seconds.") var minUptime = 0.5
    @Option(help: "Longest time a node runs before it is killed, in seconds.") var maxUptime = 3.0
    @Option(help: "Seed for the kill schedule and the workload.") var seed: UInt64 = 1

    func validate() throws {
        guard (1...8).contains(nodes) else { throw ValidationError("--nodes must be 1…8") }
        guard (0...10_000).contains(kills) else { throw ValidationError("--kills must be 0…10000") }
        guard (1...64).contains(clients) else { throw ValidationError("--clients must be 1…64") }
        guard (1...500).contains(batchSize) else { throw ValidationError("--batch-size must be 1…500") }
        guard minUptime > 0, maxUptime >= minUptime else { throw ValidationError("--min-uptime must be > 0 and at most --max-uptime") }
    }

    func run() async throws {
        let logger = makeLogger(level: .warning)
        let (outcome, dir) = try await ScratchCluster.with(database: database, reset: reset, nodes: nodes, purpose: "crash") { cluster in
            let responder = SourceSystemResponder(faults: .init(answerLateRate: 0.05, lateAnswer: .seconds(3)), seed: seed)
            let outcome = try await responder.serve(logger: logger) { base in
                let policyPath = cluster.dir + "/policy.yaml"
                try Self.policyText(systemsBase: base).write(toFile: policyPath, atomically: true, encoding: .utf8)
                let servers = try cluster.nodes(nodes, arguments: ["--policy", policyPath])
                return try await CrashRun(nodes: servers, database: cluster.database, responder: responder, client: .shared, token: cluster.token, settings: self).run()
            }
            if outcome.passed { cluster.removeFolder() }
            return (outcome, cluster.dir)
        }
        print(outcome.report)
        guard outcome.passed else { throw CLIError.failure("crash test failed; node logs are in \(dir)") }
    }

    /// The shipped policy with every system's connector pointed at the simulated systems:
    /// short timeouts and back-off so retries after a kill happen within the run.
    static func policyText(systemsBase: String) throws -> String {
        guard let url = DefaultPolicy.url else { throw CLIError.failure("the bundled policy is missing") }
        var text = try String(contentsOf: url, encoding: .utf8)
        // The simulated systems answer on this machine's loopback address.
        text += "\noutbound:\n  allow: [\"127.0.0.1\"]\nconnectors:\n"
        for system in ["erp", "wms", "tms", "supplier", "crm"] {
            text += "  \(system): {url: \"\(SourceSystemResponder.endpoint(base: systemsBase, system: system))\", timeoutSeconds: 2, maxAttempts: 100, "
                + "baseBackoffSeconds: 0.2, maxBackoffSeconds: 2, breakerFailures: 1000, breakerOpenSeconds: 1}\n"
        }
        return text
    }
}
