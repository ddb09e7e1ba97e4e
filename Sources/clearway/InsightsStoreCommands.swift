import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayInsights
import Foundation

/// The period and dimensions a KPI or root-cause report covers.
struct PeriodOptions: ParsableArguments {
    @Option(help: "First day of the period, YYYY-MM-DD (default: --days before --to).") var from: String?
    @Option(help: "Day after the period, YYYY-MM-DD (default: tomorrow).") var to: String?
    @Option(help: "Length of the period in days when --from is not given.") var days = 90
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this queue.") var queue: String?
    @Option(help: "Only this exception type.") var type: String?
    @Option(help: "Only this customer segment.") var segment: String?
    @Option(help: "Only this customer tier.") var tier: String?
    @Option(help: "Only this channel.") var channel: String?
    @Flag(help: "Print JSON instead of text.") var json = false

    func filter() throws -> FactFilter {
        switch FactFilter.period(from: from, to: to, days: days, now: Instant(Date()).millis, site: site, queue: queue, type: type,
                                 segment: segment, tier: tier, channel: channel) {
        case .success(let filter): return filter
        case .failure(let p): throw CLIError.badInput(p.list.map { "--\($0.field) \($0.detail)" }.joined(separator: "; "))
        }
    }
}

extension InsightsCommand {
    struct KPIs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpis", abstract: "The process KPIs of a period from Clearway's record (definitions: docs/KPIS.md).")
        @OptionGroup var db: DatabaseOptions
        @OptionGroup var period: PeriodOptions
        @Option(help: "Minutes of a person's time per touch, for the labour-hours estimate.") var minutesPerTouch = 6.0

        func run() async throws {
            let filter = try period.filter()
            let logger = makeLogger(level: .warning)
            let database = try await db.open(logger: logger)
            let engine = ClearwayEngine(database: database, policy: try DefaultPolicy.load(), logger: logger)
            let report = try await engine.kpiReport(filter, settings: KPISettings(minutesPerTouch: minutesPerTouch), by: .localOperator("clearway insights"))
            await database.close()
            if period.json { return try printJSON(report) }
            let mirror = Mirror(reflecting: report)
            for child in mirror.children {
                guard let label = child.label else { continue }
                if let buckets = child.value as? [KPIReport.AgeBucket] {
                    print("\(label): " + buckets.map { "\($0.label) \($0.count)" }.joined(separator: ", "))
                } else {
                    print("\(label): \(child.value)")
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the case event log of a period as OCEL 2.0 JSON (exceptions, cases and orders as objects) for pm4py, Celonis and the like.")
        @OptionGroup var db: DatabaseOptions
        @OptionGroup var period: PeriodOptions
        @Option(help: "File to write (OCEL 2.0 JSON).") var out: String

        func run() async throws {
            let filter = try period.filter()
            let logger = makeLogger(level: .warning)
            let database = try await db.open(logger: logger)
            let engine = ClearwayEngine(database: database, policy: try DefaultPolicy.load(), logger: logger)
            let steps = try await engine.caseTrail(from: Instant(millis: filter.from), to: Instant(millis: filter.to), by: .localOperator("clearway insights"))
            await database.close()
            let log = CaseTrail.log(steps)
            do { try OCELJSON.write(log).write(to: URL(fileURLWithPath: out)) } catch { throw CLIError.failure("cannot write \(out)") }
            print("\(log.events.count) events on \(log.objects.count) objects written to \(out)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep an external event log (OCEL 2.0 JSON or SQLite, or OCEL-CSV) in Clearway, to analyse it in the console like Clearway's own.")
        @Argument(help: "The log file.") var file: String
        @Option(help: "A name for it (default: the file name).") var name: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let logger = makeLogger(level: .warning)
            let log: ObjectCentricLog
            do { log = try await EventLogFiles.read(path: file, logger: logger) } catch let error as EventLogError {
                throw CLIError.badInput("\(file): \(error)")
            }
            guard !log.events.isEmpty else { throw CLIError.badInput("\(file): the log has no events") }
            let database = try await db.open(logger: logger)
            let engine = ClearwayEngine(database: database, policy: try DefaultPolicy.load(), logger: logger)
            let who = Principal(id: "cli", name: "clearway insights import", role: .admin)
            let stored = try await engine.importEventLog(log, name: name ?? URL(fileURLWithPath: file).lastPathComponent, by: who)
            await database.close()
            print("Imported \(stored.name) as \(stored.id): \(stored.events) events, \(stored.objects) objects of type \(stored.objectTypes.joined(separator: ", ")). "
                  + "Open /console/insights/logs/\(stored.id) to see its process map.")
        }
    }

    struct RootCauses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "root-causes", abstract: "Where exception types concentrate far above their baseline, in plain words.")
        @OptionGroup var db: DatabaseOptions
        @OptionGroup var period: PeriodOptions

        func run() async throws {
            let filter = try period.filter()
            let logger = makeLogger(level: .warning)
            let database = try await db.open(logger: logger)
            let engine = ClearwayEngine(database: database, policy: try DefaultPolicy.load(), logger: logger)
            let findings = try await engine.rootCauses(filter, by: .localOperator("clearway insights"))
            await database.close()
            if period.json { return try printJSON(findings) }
            if findings.isEmpty { print("No exception type concentrates far above its baseline in this period.") }
            for (n, f) in findings.enumerated() { print("\(n + 1). \(f.statement)\n   \(f.link)") }
        }
    }
}
