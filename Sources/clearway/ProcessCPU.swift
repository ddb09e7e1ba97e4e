import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time used by processes on this machine, read from /proc: user and system time, in
/// seconds. Benchmarks report it per event for each party (the nodes, the database server,
/// the load generator), so a result says which of them the machine's cores went to.
enum ProcessCPU {
    /// One process's CPU time so far (0 if it is gone).
    static func seconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3; utime and stime are 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's CPU time so far.
    static var ownSeconds: Double { seconds(pid: getpid()) }

    /// CPU time so far of every process whose command name is `command` (for example the
    /// PostgreSQL server's `postgres` processes), or nil when there is none. Processes that
    /// end between two readings take their time with them, so compare readings over one
    /// steady load, not across restarts.
    static func seconds(command: String) -> Double? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        var total = 0.0, found = false
        for entry in entries {
            guard let pid = Int32(entry),
                  let name = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                  name.trimmingCharacters(in: .whitespacesAndNewlines) == command else { continue }
            found = true
            total += seconds(pid: pid)
        }
        return found ? total : nil
    }
}

/// CPU seconds used over one phase of a benchmark by the nodes, the database server (when it
/// runs on this machine; SQLite runs inside the nodes) and the load generator (this process).
struct CPUUse {
    var nodes = 0.0
    var database: Double?
    var load = 0.0

    static func - (a: CPUUse, b: CPUUse) -> CPUUse {
        CPUUse(nodes: a.nodes - b.nodes, database: a.database.flatMap { x in b.database.map { x - $0 } }, load: a.load - b.load)
    }

    /// "node µs/event | database µs/event | load µs/event | busy cores": the last is all three
    /// parties' CPU over the phase's wall time, so a value near the machine's core count
    /// says the machine, not Clearway's design, set the pace.
    func columns(events: Int, elapsed: Double) -> String {
        let perEvent = { (seconds: Double) in String(Int(seconds * 1e6 / Double(max(1, events)))) }
        let busy = (nodes + (database ?? 0) + load) / max(elapsed, 1e-9)
        return "\(perEvent(nodes)) | \(database.map(perEvent) ?? "in the node") | \(perEvent(load)) | \(String(format: "%.2f", busy))"
    }

    /// Takes readings for one benchmark run.
    struct Meter {
        let servers: [NodeProcess]
        let databaseIsLocal: Bool

        func reading() -> CPUUse {
            CPUUse(nodes: servers.reduce(0) { $0 + $1.cpuSeconds },
                   database: databaseIsLocal ? ProcessCPU.seconds(command: "postgres") : nil,
                   load: ProcessCPU.ownSeconds)
        }
    }
}
