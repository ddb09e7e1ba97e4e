import ArgumentParser
import Foundation

/// `clearway`: the command-line entry point. Commands only parse arguments and wire parts
/// together; the product's behaviour lives in the library targets.
struct Clearway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearway",
        abstract: "Order-exception coordination beside the ERP.",
        subcommands: [DemoCommand.self, Serve.self, SimulateCommand.self, PolicyCommand.self, AuditCommand.self, CheckCommand.self, Migrate.self, KeysCommand.self, UsersCommand.self, EDICommand.self, InsightsCommand.self, BacktestCommand.self, ModelCommand.self, RiskModelCommand.self, BenchCommand.self, CrashTestCommand.self])
}

/// Failures a command reports itself: bad input exits 2, anything else 1 (DESIGN.md).
enum CLIError: Error, CustomStringConvertible {
    case badInput(String)
    case failure(String)

    var description: String {
        switch self {
        case .badInput(let m), .failure(let m): m
        }
    }
}

@main
enum ClearwayMain {
    static func main() async {
        do {
            var command = try Clearway.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("clearway: \(error.description)\n".utf8))
            if case .badInput = error { exit(2) } else { exit(1) }
        } catch {
            let code = Clearway.exitCode(for: error)
            let message = Clearway.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            exit(code == .validationFailure ? 2 : (code.rawValue == 0 ? 1 : code.rawValue))
        }
    }
}

/// Writes a line to standard output at once (print is block-buffered when redirected,
/// and people watch `serve` output in logs).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
