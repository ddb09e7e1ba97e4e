import AsyncHTTPClient
import ClearwayCore
import ClearwaySimulator
import ClearwayStore
import Foundation
import NIOCore

/// One crash test: load, kills and restarts, then the checks. Every check that fails is
/// named in the report; the run passes only when all hold.
struct CrashRun {
    let nodes: [NodeProcess]
    let database: Database
    let responder: SourceSystemResponder
    let client: HTTPClient
    let token: String
    let settings: CrashTestCommand

    struct Outcome { var report: String; var passed: Bool }

    func run() async throws -> Outcome {
        for node in nodes { try await node.start(client: client) }
        let workload = SyntheticDistributor(seed: settings.seed)
        let urls = nodes.map(\.baseURL)
        let reference = workload.referenceEvents()
        let referenceLoad = IngestLoad(nodes: urls, token: token, client: client)
        _ = await referenceLoad.run(clients: 1) { n in
            n * 500 < reference.count ? IngestLoad.orders(n * 500..<min(reference.count, n * 500 + 500)) { reference[$0] } : nil
        }

        let load = IngestLoad(nodes: urls, token: token, client: client)
        let batchSize = settings.batchSize
        let loadTask = Task {
            await load.run(clients: settings.clients) { n in
                IngestLoad.orders(n * batchSize..<(n * batchSize + (n % 2 == 0 ? 1 : batchSize)), from: workload.order)
            }
        }
        var rng = SeededRandom(seed: settings.seed)
        var survived = 0
        var killLines: [String] = []
        defer { loadTask.cancel() }
        for k in stride(from: 1, through: settings.kills, by: 1) {
            let uptime = settings.minUptime + (settings.maxUptime - settings.minUptime) * Double(rng.int(0...1000)) / 1000
            try await Task.sleep(for: .milliseconds(Int(uptime * 1000)))
            let victim = nodes[rng.int(0...(nodes.count - 1))]
            let before = load.snapshot.events
            await victim.killHard()
            try await victim.start(client: client)
            survived += 1
            if k <= 3 || k == settings.kills { killLines.append("  kill \(k): \(victim.name) after \(String(format: "%.1f", uptime)) s, \(before) events acknowledged so far") }
        }
        try await Task.sleep(for: .seconds(1))
        load.stop()
        let totals = await loadTask.value
        let drained = try await drainOutbox()
        let allKeys = Set(totals.acknowledged).union(referenceLoad.snapshot.acknowledged)
        var checks = CrashChecks()
        checks.expect(totals.refused.isEmpty, "every request was acknowledged or retried", detail: totals.refused.prefix(3).joined(separator: "; "))
        checks.expect(drained, "the outbox drained (no delivery pending \(Int(drainTimeout)) s after the load stopped)")
        try await checks.storedOnce(keys: allKeys, resend: resendAll(allKeys, workload: workload, reference: reference), database: database)
        try await checks.consistency(database)
        try await checks.actions(ledger: responder.ledger, database: database)
        try await checks.audit(database)
        for node in nodes { await node.stop() }

        let lines = [
            "crash test on \(database.location) with \(nodes.count) node\(nodes.count == 1 ? "" : "s"): \(survived) kill\(survived == 1 ? "" : "s") (SIGKILL) survived",
        ] + killLines + [
            "load: \(totals.events) order events acknowledged in \(totals.requests) requests from \(settings.clients) clients;"
                + " \(totals.retriedAfterNoAnswer) attempts got no answer and were sent again, \(totals.backedOff) were asked to back off",
        ] + checks.lines + [checks.passed ? "PASSED" : "FAILED"]
        return Outcome(report: lines.joined(separator: "\n"), passed: checks.passed)
    }

    var drainTimeout: Double { 120 }

    /// Waits until no delivery is pending (a killed node's leases expire, then another
    /// attempt delivers with the same idempotency key).
    func drainOutbox() async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(drainTimeout)
        while ContinuousClock.now < deadline {
            if try await database.checkConsistency().totals["pending deliveries"] == 0 { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }

    /// Sends every acknowledged event again; each answer must be `duplicate`. Returns the
    /// answers by status.
    func resendAll(_ keys: Set<String>, workload: SyntheticDistributor, reference: [JSONValue]) async throws -> [String: Int] {
        var events: [JSONValue] = reference.filter { keys.contains("\($0["source"]?.stringValue ?? "")/\($0["id"]?.stringValue ?? "")") }
        events += keys.compactMap { key in key.hasPrefix("sim-erp/order-") ? Int(key.dropFirst("sim-erp/order-".count)) : nil }.sorted().map(workload.order)
        var statuses: [String: Int] = [:]
        for start in stride(from: 0, to: events.count, by: 500) {
            var request = HTTPClientRequest(url: nodes[0].baseURL + "/v1/events")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/cloudevents-batch+json")
            request.body = .bytes(ByteBuffer(bytes: JSONValue.array(Array(events[start..<min(events.count, start + 500)])).canonicalData()))
            let response = try await client.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 64 << 20)
            guard response.status == .ok, case .array(let results)? = JSONValue.parse(Data(buffer: body))?["results"] else {
                statuses["http \(response.status.code)", default: 0] += 1
                continue
            }
            for r in results { statuses[r["status"]?.stringValue ?? "?", default: 0] += 1 }
        }
        return statuses
    }
}
