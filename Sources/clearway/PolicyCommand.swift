import ArgumentParser
import ClearwayCore
import Foundation

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Work with policy files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a policy file; every error is printed with its line.")

        @Argument(help: "The policy YAML file.") var file: String

        func run() async throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw CLIError.badInput("cannot read \(file)") }
            do {
                let policy = try PolicyParser.parse(text)
                print("\(file): policy \(policy.version) is valid (\(policy.global.rules.count) exception types, \(policy.sites.count) site overrides, \(policy.statusMaps.count) status maps)")
            } catch {
                for issue in error.issues { print("\(file):\(issue.line):\(issue.column): error: \(issue.message)") }
                throw CLIError.badInput("\(error.issues.count) error(s) in \(file)")
            }
        }
    }
}
