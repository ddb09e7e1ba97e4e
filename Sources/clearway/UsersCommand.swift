import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Foundation

/// People who sign in to the console.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Console sign-ins.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a console sign-in.",
            discussion: "The password is read from $CLEARWAY_NEW_PASSWORD or, if unset, from the first line of standard input; it needs at least 12 characters, five of them different, and may not be a commonly used password.")
        @Option(help: "Sign-in name: 2–64 letters, digits, dot, dash or underscore.") var username: String
        @Option(help: "Name shown in the console (default: the username).") var displayName: String?
        @Option(help: "viewer, agent, pricing_approver, credit_approver, approver, supervisor or admin.") var role: String
        @Option(help: "Your name, recorded in the audit log as who created the sign-in (default: $USER).") var by: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard let r = Role(rawValue: role), r != .integration else {
                throw ValidationError("--role must be one of \(Role.allCases.filter { $0 != .integration }.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            guard let password = ProcessInfo.processInfo.environment["CLEARWAY_NEW_PASSWORD"] ?? readLine(strippingNewline: true), !password.isEmpty else {
                throw CLIError.badInput("no password: set CLEARWAY_NEW_PASSWORD or pipe it on standard input")
            }
            let database = try await db.open(logger: makeLogger(level: .warning))
            let created: Result<ConsoleUser, any Error>
            do {
                created = .success(try await database.createUser(username: username, displayName: displayName ?? username,
                                                                 role: Role(rawValue: role) ?? .viewer, password: password, at: SystemClock().now(),
                                                                 by: operatorName(by)))
            } catch { created = .failure(error) }
            await database.close()
            switch created {
            case .success(let user): say("\(user.id)  \(user.role.rawValue)  \(user.username)")
            case .failure(let error as UserError): throw CLIError.badInput(error.description)
            case .failure(let error): throw error
            }
        }
    }
}
