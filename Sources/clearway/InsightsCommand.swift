import ArgumentParser
import ClearwayEngine
import ClearwayInsights
import Foundation

/// Process intelligence on event logs from files (OCEL 2.0 JSON or pm4py's OCEL-CSV).
struct InsightsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights", abstract: "Process intelligence: KPIs and root causes from Clearway's record; process mining on OCEL logs.",
        subcommands: [KPIs.self, RootCauses.self, Export.self, Import.self, DFG.self, Variants.self, ProcessSummary.self])

    struct LogOptions: ParsableArguments {
        @Argument(help: "An OCEL 2.0 JSON or SQLite file, or an OCEL-CSV file (pm4py's extended table).") var file: String
        @Option(help: "The object type whose objects become the cases (the flattening pm4py does).") var objectType: String
        @Flag(help: "Print JSON instead of a table.") var json = false

        func processMap() async throws -> ProcessMap {
            guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError.badInput("cannot read \(file)") }
            do {
                return ProcessMap(try await EventLogFiles.read(path: file, logger: makeLogger(level: .warning)).flattened(on: objectType))
            } catch { throw CLIError.badInput("\(file): \(error)") }
        }
    }

    struct DFG: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dfg", abstract: "The directly-follows graph: how often each activity is directly followed by another.",
            discussion: "With --json prints [{\"from\",\"to\",\"count\",\"medianSeconds\",\"meanSeconds\"}], most frequent first.")
        @OptionGroup var options: LogOptions

        func run() async throws {
            let map = try await options.processMap()
            if options.json { return try printJSON(map.edges) }
            print("\(map.cases) cases, \(map.events) events, \(map.edges.count) transitions")
            for e in map.edges { print("\(pad(String(e.count), 8))  \(e.from) → \(e.to)   median \(duration(e.medianSeconds))") }
        }
    }

    struct Variants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The variants: each distinct sequence of activities and how many cases follow it.",
            discussion: "With --json prints [{\"variant\":[activities…],\"count\"}], most frequent first.")
        @OptionGroup var options: LogOptions
        @Option(help: "Show only the N most frequent (all when omitted).") var top: Int?

        func run() async throws {
            let map = try await options.processMap()
            let variants = top.map { Array(map.variants.prefix(max(0, $0))) } ?? map.variants
            if options.json { return try printJSON(variants) }
            print("\(map.cases) cases in \(map.variants.count) variants")
            for v in variants { print("\(pad(String(v.count), 8))  \(v.variant.joined(separator: " → "))") }
        }
    }

    struct ProcessSummary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary", abstract: "Cases, start and end activities, bottlenecks and rework in one page.")
        @OptionGroup var options: LogOptions

        func run() async throws {
            let map = try await options.processMap()
            let durations = map.caseDurations.sorted()
            func quantile(_ q: Double) -> Double { durations.isEmpty ? 0 : durations[min(durations.count - 1, Int(Double(durations.count) * q))] }
            if options.json {
                struct Summary: Encodable {
                    var cases: Int, events: Int, variants: Int, p50Seconds: Double, p90Seconds: Double
                    var startActivities: [String: Int], endActivities: [String: Int], rework: [String: Int], bottlenecks: [ProcessMap.Edge]
                }
                return try printJSON(Summary(cases: map.cases, events: map.events, variants: map.variants.count, p50Seconds: quantile(0.5), p90Seconds: quantile(0.9),
                                             startActivities: map.startActivities, endActivities: map.endActivities, rework: map.rework, bottlenecks: map.bottlenecks()))
            }
            print("\(map.cases) cases, \(map.events) events, \(map.variants.count) variants; case duration p50 \(duration(quantile(0.5))), p90 \(duration(quantile(0.9)))")
            print("Starts: " + map.startActivities.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print("Ends:   " + map.endActivities.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print("Bottlenecks (count × median wait):")
            for e in map.bottlenecks() { print("  \(e.from) → \(e.to): \(e.count) × \(duration(e.medianSeconds))") }
            print("Rework (cases repeating an activity):")
            for (activity, cases) in map.rework.sorted(by: { $0.value > $1.value }) { print("  \(activity): \(cases)") }
        }
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

private func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

/// `3 d 4 h`, `5 h 12 min`, `42 s`: the way people read waiting times.
func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
    if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
    if s >= 60 { return "\(s / 60) min \(s % 60) s" }
    return "\(s) s"
}
