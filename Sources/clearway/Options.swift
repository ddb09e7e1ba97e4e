import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Foundation
import Logging

/// Options shared by the commands that open the store.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (default: $CLEARWAY_DATABASE_URL or sqlite:./clearway.db)")
    var database: String?

    func location() throws -> DatabaseLocation {
        let text = database ?? ProcessInfo.processInfo.environment["CLEARWAY_DATABASE_URL"] ?? "sqlite:./clearway.db"
        do { return try DatabaseLocation(parsing: text) } catch { throw CLIError.badInput("\(error)") }
    }

    func open(logger: Logger) async throws -> Database {
        let location = try location()
        do {
            let database = try await Database.open(location, logger: logger)
            try await database.migrate()
            return database
        } catch let error as CLIError {
            throw error
        } catch {
            logger.debug("database open failed", metadata: ["error": "\(error)"])
            throw CLIError.failure("cannot open the database at \(location): check the path or URL, credentials and that the server is running")
        }
    }
}

struct PolicyOption: ParsableArguments {
    @Option(name: .long, help: "Policy YAML file (default: the bundled policy/default.yaml)")
    var policy: String?

    func load() throws -> Policy { try Self.load(policy) }

    /// The policy in `path`, or the bundled one; a bad file exits 2 naming each problem.
    static func load(_ path: String?) throws -> Policy {
        guard let path else { return try DefaultPolicy.load() }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw CLIError.badInput("cannot read policy file \(path)") }
        do { return try PolicyParser.parse(text) } catch {
            throw CLIError.badInput("policy \(path) is not valid:\n" + error.issues.map { "  \(path):\($0.line):\($0.column): \($0.message)" }.joined(separator: "\n"))
        }
    }
}

func makeLogger(_ label: String = "clearway", level: Logger.Level = .info) -> Logger {
    // Every line names the trace of the work it is about (when there is one).
    var logger = Logger(label: label, metadataProvider: .traceContext)
    logger.logLevel = level
    return logger
}

/// `CLEARWAY_BOOTSTRAP_TOKEN`, refused (exit 2) when it is too weak to become an admin key.
func bootstrapTokenFromEnvironment() throws -> String? {
    guard let token = ProcessInfo.processInfo.environment["CLEARWAY_BOOTSTRAP_TOKEN"], !token.isEmpty else { return nil }
    if let problem = SecretStrength.tokenProblem(token) { throw CLIError.badInput("CLEARWAY_BOOTSTRAP_TOKEN is refused: \(problem)") }
    return token
}
