import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import ClearwayStore
import Foundation

/// Who changes which model serves, recorded with each change.
struct ModelActor: ParsableArguments {
    @Option(help: "Your name, recorded as who did it (default: $USER).") var by: String?
    @OptionGroup var db: DatabaseOptions

    var principal: Principal {
        let name = by ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
        return .localOperator(name)
    }

    func engine() async throws -> ClearwayEngine {
        let logger = makeLogger(level: .warning)
        return ClearwayEngine(database: try await db.open(logger: logger), policy: try DefaultPolicy.load(), logger: logger)
    }

    /// Runs `body` on an engine over the database, closing the database whether or not it
    /// succeeds; the engine's refusals become the command line's errors.
    func withEngine<T>(_ body: (ClearwayEngine) async throws -> T) async throws -> T {
        let engine = try await engine()
        let result: Result<T, any Error>
        do { result = .success(try await engineCall { try await body(engine) }) } catch { result = .failure(error) }
        await engine.database.close()
        return try result.get()
    }
}

func engineCall<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as EngineError {
        switch error {
        case .notFound(let what, let id): throw CLIError.badInput("no \(what) \(id)")
        case .conflict(let why), .forbidden(let why): throw CLIError.badInput(why)
        case .invalid(let field, let detail): throw CLIError.badInput("\(field): \(detail)")
        case .invalidFields(let problems): throw CLIError.badInput(problems.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; "))
        case .blocked(let action, _): throw CLIError.badInput("\(action) is blocked")
        case .saturated(let seconds): throw CLIError.failure("the server is busy; try again in \(seconds) s")
        }
    }
}

extension ModelCommand {
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a trained model file in Clearway as its next version (not yet serving).")
        @Argument(help: "The model file (from `clearway model train`).") var file: String
        @OptionGroup var actor: ModelActor

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw CLIError.badInput("cannot read \(file)") }
            let engine = try await actor.engine()
            let stored = try await engineCall { try await engine.registerModel(Array(bytes), by: actor.principal) }
            let problems = try await engineCall { try await engine.gateProblems(version: stored.version) }
            await engine.database.close()
            print("Stored \(stored.kind)@\(stored.version) (training data \(stored.dataHash.prefix(12))…). Put it in service with: clearway model promote \(stored.version)")
            if !problems.isEmpty {
                print("It is below the policy's quality gate (\(problems.joined(separator: "; "))): promoting it needs --reason.")
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a stored version in service.")
        @Argument(help: "The version number.") var version: Int
        @Option(help: "Why (recorded in the audit log).") var reason: String?
        @OptionGroup var actor: ModelActor

        func run() async throws {
            try await actor.withEngine { try await $0.promoteModel(version: version, by: actor.principal, reason: reason) }
            print("\(MessageReader.kind)@\(version) serves now (running servers pick it up within 30 s).")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return to the version that served before the current one.")
        @Option(help: "Why (recorded in the audit log).") var reason: String?
        @OptionGroup var actor: ModelActor

        func run() async throws {
            let version = try await actor.withEngine { try await $0.rollbackModel(by: actor.principal, reason: reason) }
            print("Rolled back: \(MessageReader.kind)@\(version) serves now.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stored versions, which one serves, and the history of changes.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let database = try await db.open(logger: makeLogger(level: .warning))
            let queries = CaseQueries(database: database)
            let versions = try await queries.modelVersions(kind: MessageReader.kind)
            let history = try await queries.servingHistory(kind: MessageReader.kind)
            await database.close()
            let serving = ModelServingChange.stack(history).last
            guard !versions.isEmpty else { print("No models stored; customer messages are read by rules. Train one with `clearway model train`."); return }
            print("| version | serving | created | by | training data | held-out macro-F1 |\n|---|---|---|---|---|---|")
            for v in versions {
                let metadata = v.metadata
                let f1 = metadata?.evaluation.map { String(format: "%.4f", $0.macroF1) } ?? "–"
                print("| \(v.version) | \(v.version == serving ? "yes" : "") | \(v.createdAt.iso8601) | \(v.createdBy) | \(v.dataHash.prefix(12))… | \(f1) |")
            }
            if !history.isEmpty {
                print("\nChanges:")
                for h in history { print("  \(h.changedAt.iso8601) \(h.change.rawValue) → \(h.version) by \(h.changedBy)\(h.reason.map { ": \($0)" } ?? "")") }
            }
        }
    }

    struct Examples: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write people's corrections of how messages were read as a labelled CSV, with segment and site, to train the next version on.")
        @Option(help: "Where to write the CSV.") var out: String
        @Option(help: "Name of the text column (match your other training files).") var textColumn = "text"
        @Option(help: "Name of the label column.") var labelColumn = "label"
        @OptionGroup var actor: ModelActor

        func run() async throws {
            let engine = try await actor.engine()
            let rows = try await engine.correctionExamples()
            await engine.database.close()
            let examples = LabelledTexts(texts: rows.map(\.text), labels: rows.map(\.label),
                                         groups: ["segment": rows.map(\.segment), "site": rows.map(\.site)])
            let csv = examples.csv(text: textColumn, label: labelColumn)
            do { try Data(csv.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch { throw CLIError.failure("cannot write \(out)") }
            print("Wrote \(rows.count) corrected examples to \(out). Train on them with your other data: clearway model train --data BASE.csv --data \(out) --text \(textColumn) --label \(labelColumn) --group-by segment --group-by site …")
        }
    }

    struct Card: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The model card of a version (default: the serving one): data, metrics per class, confusion, calibration, per-group accuracy.")
        @Argument(help: "The version number.") var version: Int?
        @Flag(help: "Print the card as JSON.") var json = false
        @OptionGroup var actor: ModelActor

        func run() async throws {
            let engine = try await actor.engine()
            let card = try await engine.modelCard(version: version, by: actor.principal)
            await engine.database.close()
            guard let card else { throw CLIError.badInput(version.map { "no model version \($0)" } ?? "no model serves") }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(card.metadata), as: UTF8.self))
                return
            }
            print(ModelCardText.render(card))
        }
    }
}
