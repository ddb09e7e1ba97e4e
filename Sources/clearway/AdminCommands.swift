import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that no audit row was edited or deleted (exit 1 if any was).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let database = try await db.open(logger: makeLogger(level: .warning))
            let result = try await database.verifyAudit()
            await database.close()
            if result.intact {
                print("audit log intact: \(result.rowsChecked) rows verified")
            } else {
                for problem in result.problems { print("audit: \(problem)") }
                throw CLIError.failure("audit log has been tampered with (\(result.problems.count) problem(s) in \(result.rowsChecked) rows)")
            }
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let location = try db.location()
        let database = try await Database.open(location, logger: makeLogger(level: .warning))
        let applied = try await database.migrate()
        await database.close()
        print(applied.isEmpty ? "\(location): schema is up to date" : "\(location): applied \(applied.joined(separator: ", "))")
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "API keys.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key; the secret is printed once.")
        @Option(help: "Who or what uses the key.") var name: String
        @Option(help: "viewer, agent, pricing_approver, credit_approver, approver, supervisor, admin or integration.") var role: String
        @Option(help: "Bind the key to these source systems (comma-separated event sources, e.g. erp,wms): its events must come from them, and action results only for their actions.")
        var systems: String?
        @Option(help: "Bind the key to these EDI partners (comma-separated ISA05:ISA06 or UNB keys): it reads only their outbound documents.")
        var partners: String?
        @Option(help: "Your name, recorded in the audit log as who created the key (default: $USER).") var by: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else { throw ValidationError("--name must be 1–100 characters") }
            for (option, list) in [("--systems", systems), ("--partners", partners)] {
                if let list, Self.split(list).isEmpty || Self.split(list).contains(where: { $0.count > 200 }) {
                    throw ValidationError("\(option) must name at least one, each at most 200 characters, separated by commas")
                }
            }
        }

        static func split(_ list: String) -> [String] {
            list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func run() async throws {
            let database = try await db.open(logger: makeLogger(level: .warning))
            guard let chosen = Role(rawValue: role) else { throw CLIError.badInput("--role \(role) is not a role") }
            let secret = APIKeySecret.generate()
            let key = try await database.createAPIKey(name: name, role: chosen, secret: secret, at: SystemClock().now(), by: operatorName(by),
                                                      systems: systems.map(Self.split), partners: partners.map(Self.split))
            await database.close()
            print("\(key.id)  \(key.role.rawValue)  \(key.name)\n\(secret)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by id.")
        @Argument(help: "The key id (key_…).") var id: String
        @Option(help: "Your name, recorded in the audit log as who revoked the key (default: $USER).") var by: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let database = try await db.open(logger: makeLogger(level: .warning))
            let revoked = try await database.revokeAPIKey(id: id, at: SystemClock().now(), by: operatorName(by))
            await database.close()
            guard revoked else { throw CLIError.badInput("no active key with id \(id)") }
            print("revoked \(id)")
        }
    }
}

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check",
        abstract: "Check that cases, exceptions, timers, actions and the outbox agree, and the audit chain verifies (exit 1 if not).")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let database = try await db.open(logger: makeLogger(level: .warning))
        let report = try await database.checkConsistency()
        let audit = try await database.verifyAudit()
        await database.close()
        for (name, count) in report.totals.sorted(by: { $0.key < $1.key }) { print("\(name): \(count)") }
        for finding in report.findings { print("inconsistent: \(finding.count)× \(finding.rule)") }
        for problem in audit.problems { print("audit: \(problem)") }
        guard report.consistent, audit.intact else {
            throw CLIError.failure("\(report.findings.count) consistency rule(s) broken, \(audit.problems.count) audit problem(s)")
        }
        print("consistent: \(Database.consistencyRuleCount) rules hold; audit chain intact over \(audit.rowsChecked) rows")
    }
}

/// How the audit log names a person at the command line.
func operatorName(_ by: String?) -> String {
    "cli:\(by ?? ProcessInfo.processInfo.environment["USER"] ?? "operator")"
}
