import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayStore
import Foundation

/// EDI files from a folder drop.
struct EDICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edi", abstract: "EDI documents from files.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take X12 or EDIFACT files (or every .edi/.x12 file in a folder) through the same pipeline as POST /v1/edi/x12 and /v1/edi/edifact.",
            discussion: "Prints one line per transaction set. With --ack-dir, writes each file's 997 there as NAME.997. Exits 1 if any set was rejected.")
        @Argument(help: "Files or folders.") var paths: [String]
        @Option(help: "Folder to write the 997 for each file into.") var ackDir: String?
        @OptionGroup var db: DatabaseOptions
        @OptionGroup var policyOption: PolicyOption

        func run() async throws {
            let files = try Self.expand(paths)
            guard !files.isEmpty else { throw CLIError.badInput("no .edi or .x12 files in \(paths.joined(separator: ", "))") }
            let logger = makeLogger(level: .warning)
            let database = try await db.open(logger: logger)
            let engine = ClearwayEngine(database: database, policy: try policyOption.load(), logger: logger)
            var rejected = 0
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.badInput("cannot read \(file)") }
                do {
                    let text = String(decoding: data, as: UTF8.self)
                    let isEdifact = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }.hasPrefix("UN")
                    let result = isEdifact
                        ? X12IntakeResult(sets: try await engine.ingestEdifact(text, actor: "cli:edi-import"), acknowledgment: "")
                        : try await engine.ingestX12(text, actor: "cli:edi-import")
                    for s in result.sets {
                        print("\(file)  \(s.code) \(s.controlNumber)  \(s.purchaseOrder.map { "PO \($0)  " } ?? "")\(s.outcome)"
                              + (s.caseIds.isEmpty ? "" : "  case \(s.caseIds.joined(separator: ","))") + (s.reason.map { "  (\($0))" } ?? ""))
                        if s.outcome == "rejected" { rejected += 1 }
                    }
                    if let ackDir, !result.acknowledgment.isEmpty {
                        let target = URL(fileURLWithPath: ackDir).appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent + ".997")
                        try Data(result.acknowledgment.utf8).write(to: target)
                    }
                } catch let error as EngineError {
                    rejected += 1
                    if case .invalid(_, let detail) = error { print("\(file)  rejected  (\(detail))") } else { print("\(file)  rejected  (\(error))") }
                }
            }
            await database.close()
            if rejected > 0 { throw CLIError.failure("\(rejected) transaction set(s) or file(s) rejected") }
        }

        static func expand(_ paths: [String]) throws -> [String] {
            var files: [String] = []
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CLIError.badInput("\(path) does not exist") }
                if isDirectory.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                    files += names.filter { $0.hasSuffix(".edi") || $0.hasSuffix(".x12") }.sorted().map { "\(path)/\($0)" }
                } else { files.append(path) }
            }
            return files
        }
    }
}
