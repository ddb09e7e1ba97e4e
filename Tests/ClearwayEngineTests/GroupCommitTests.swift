import ClearwayCore
@testable import ClearwayEngine
import ClearwayIntegration
import Foundation
import Synchronization
import Testing

/// Group commit, without a database or a server: admission and back-pressure, failure
/// isolation, one policy per group, and how the lead passes between requests.
@Suite("Group commit")
struct GroupCommitTests {
    static let snapshot = PolicySnapshot(generation: 0, policy: try! DefaultPolicy.load())

    /// `n` order events, each with a new id.
    static func events(_ n: Int) throws -> [IncomingEvent] {
        let order = #"{"orderId":"SO-1","customerId":"ACME","site":"DC-CHI","channel":"edi","orderDate":"2026-11-23","requestedShipDate":"2026-11-25","#
            + #""lines":[{"lineNumber":1,"sku":"BOLT-10","quantity":100,"unitOfMeasure":"EA","unitPrice":11.95}]}"#
        let body = "[" + (0..<n).map { _ in
            #"{"specversion":"1.0","id":"gc-\#(UUID().uuidString)","source":"erp","type":"clearway.order.created.v1","data":\#(order)}"#
        }.joined(separator: ",") + "]"
        return try CloudEventCodec.decode(body: Data(body.utf8), mode: .batch, policy: try DefaultPolicy.load(), receivedAt: Instant(millis: 0))
    }

    @Test("with a commit in progress, requests beyond the queue limit are refused at once; admitted ones commit after it")
    func fullQueueRefusesAndAdmittedWorkCommits() async throws {
        let commit = GroupCommit(maxEvents: 1_000, maxQueuedEvents: 3)
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let processed = ProcessedCounter()
        let process: @Sendable ([GroupCommit.Item]) async throws -> [[IngestOutcome]] = { group in
            if processed.add(group.count) == group.count { for await _ in release { break } }
            return group.map { _ in [] }
        }
        let first = Task { try await commit.submit(try Self.events(1), actor: "t", policy: Self.snapshot, process: process, processAlone: { _ in [] }) }
        try await Self.until { processed.value == 1 }               // the first holds the write turn
        let second = Task { try await commit.submit(try Self.events(2), actor: "t", policy: Self.snapshot, process: process, processAlone: { _ in [] }) }
        try await Self.until { commit.queuedEvents == 2 }           // two events wait behind it
        defer { releaser.yield() }
        // Refused at once, while the turn is still held: it does not wait in line.
        let refused = ProcessedCounter()
        let third = Task {
            defer { _ = refused.add(1) }
            return try await commit.submit(try Self.events(2), actor: "t", policy: Self.snapshot, process: process, processAlone: { _ in [] })
        }
        try await Self.until { refused.value == 1 }
        await #expect(throws: EngineError.saturated(retryAfterSeconds: 1)) { try await third.value }
        releaser.yield()
        _ = try await first.value
        _ = try await second.value
        #expect(processed.value == 2)
        #expect(commit.queuedEvents == 0)
    }

    @Test("one request that fails its group does not fail the others: each is retried on its own, and requests of another policy wait for their own group")
    func failureIsolationAndOnePolicyPerGroup() async throws {
        let commit = GroupCommit(maxEvents: 1_000, maxQueuedEvents: 100)
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let processed = ProcessedCounter()
        let groups = GroupLog()
        let next = PolicySnapshot(generation: 1, policy: Self.snapshot.policy)
        let process: @Sendable ([GroupCommit.Item]) async throws -> [[IngestOutcome]] = { group in
            if processed.add(group.count) == group.count { for await _ in release { break } }
            groups.append(group.map { "\($0.actor)@\($0.policy.generation)" })
            if group.contains(where: { $0.actor == "bad" }) { throw EngineError.conflict("a bad request in the group") }
            return group.map { _ in [] }
        }
        let alone: @Sendable (GroupCommit.Item) async throws -> [IngestOutcome] = { item in
            if item.actor == "bad" { throw EngineError.conflict("bad on its own too") }
            return []
        }
        let first = Task { try await commit.submit(try Self.events(1), actor: "first", policy: Self.snapshot, process: process, processAlone: alone) }
        try await Self.until { processed.value == 1 }              // the first holds the write turn
        let good = Task { try await commit.submit(try Self.events(1), actor: "good", policy: Self.snapshot, process: process, processAlone: alone) }
        try await Self.until { commit.queuedEvents == 1 }
        let bad = Task { try await commit.submit(try Self.events(1), actor: "bad", policy: Self.snapshot, process: process, processAlone: alone) }
        try await Self.until { commit.queuedEvents == 2 }
        let newer = Task { try await commit.submit(try Self.events(1), actor: "newer", policy: next, process: process, processAlone: alone) }
        try await Self.until { commit.queuedEvents == 3 }
        releaser.yield()
        _ = try await first.value
        _ = try await good.value
        await #expect(throws: EngineError.self) { try await bad.value }
        _ = try await newer.value
        #expect(groups.all == [["first@0"], ["good@0", "bad@0"], ["newer@1"]], "\(groups.all)")
    }

    @Test("a request whose events are committed returns at once: it hands the lead to the oldest waiting request instead of working for it")
    func leaderHandsOffOnceAnswered() async throws {
        let commit = GroupCommit(maxEvents: 1_000, maxQueuedEvents: 100)
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let processed = ProcessedCounter()
        let groups = GroupLog()
        let process: @Sendable ([GroupCommit.Item]) async throws -> [[IngestOutcome]] = { group in
            _ = processed.add(group.count)
            for await _ in release { break }                            // every group waits to be let through
            groups.append(group.map(\.actor))
            return group.map { _ in [] }
        }
        let first = Task { try await commit.submit(try Self.events(1), actor: "first", policy: Self.snapshot, process: process, processAlone: { _ in [] }) }
        try await Self.until { processed.value == 1 }
        let second = Task { try await commit.submit(try Self.events(1), actor: "second", policy: Self.snapshot, process: process, processAlone: { _ in [] }) }
        try await Self.until { commit.queuedEvents == 1 }
        let third = Task { try await commit.submit(try Self.events(1), actor: "third", policy: Self.snapshot, process: process, processAlone: { _ in [] }) }
        try await Self.until { commit.queuedEvents == 2 }
        releaser.yield()                                                 // the first group commits
        _ = try await first.value                                        // and the first returns while the next group is still open
        try await Self.until { processed.value == 3 }
        #expect(groups.all == [["first"]])
        releaser.yield()
        _ = try await second.value
        _ = try await third.value
        #expect(groups.all == [["first"], ["second", "third"]], "\(groups.all)")
    }

    /// Yields until `condition` holds, failing instead of spinning forever.
    static func until(_ condition: () -> Bool) async throws {
        for _ in 0..<200_000 where !condition() { await Task.yield() }
        try #require(condition())
    }
}

final class ProcessedCounter: Sendable {
    private let count = Mutex(0)
    func add(_ n: Int) -> Int { count.withLock { $0 += n; return $0 } }
    var value: Int { count.withLock { $0 } }
}

final class GroupLog: Sendable {
    private let groups = Mutex<[[String]]>([])
    var all: [[String]] { groups.withLock { $0 } }
    func append(_ group: [String]) { groups.withLock { $0.append(group) } }
}
