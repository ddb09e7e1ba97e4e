import AsyncHTTPClient
import ClearwayCore
import Foundation
import NIOCore
import NIOHTTP1

/// What Clearway answered for one event the simulator sent.
public struct SentOutcome: Sendable, Hashable {
    public var id: String
    public var status: String
    public var caseIds: [String]
}

/// An exception as the order desk sees it in the case list.
public struct WorkItem: Sendable, Hashable {
    public var caseId: String
    public var orderId: String?
    public var exceptionId: String
    public var type: String
    public var state: String
}

/// A failure talking to Clearway, with what the server said.
public struct ConnectionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The HTTP status Clearway answered with (0 when there was no answer to read).
    public var status = 0
}

/// Clearway's public API as the simulator uses it: CloudEvents in, cases out, and the
/// order desk's claim and resolve calls. Nothing here reaches past HTTP.
public final class ClearwayConnection: Sendable {
    let baseURL: String
    let integrationKey: String
    let agentKey: String
    /// A credit approver's key, for the simulated credit analyst (nil: nobody approves).
    let approverKey: String?
    let client: HTTPClient
    /// Each simulated person's own key, by username, so Clearway sees who did what.
    let personKeys: [String: String]

    public init(baseURL: String, integrationKey: String, agentKey: String, approverKey: String? = nil, personKeys: [String: String] = [:]) {
        self.approverKey = approverKey
        self.personKeys = personKeys
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.integrationKey = integrationKey
        self.agentKey = agentKey
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    public func shutdown() async { try? await client.shutdown() }

    /// Sends events as CloudEvents batches of at most 1000 and returns one outcome per event.
    public func send(_ events: [JSONValue]) async throws -> [SentOutcome] {
        var outcomes: [SentOutcome] = []
        outcomes.reserveCapacity(events.count)
        var start = 0
        while start < events.count {
            let chunk = Array(events[start..<min(start + 1000, events.count)])
            start += chunk.count
            let body = try await call("POST", "/v1/events", key: integrationKey, contentType: "application/cloudevents-batch+json",
                                      body: JSONValue.array(chunk).canonicalData())
            guard case .array(let results)? = body["results"] else { throw ConnectionError(description: "event answer had no results") }
            for r in results {
                let ids: [String] = if case .array(let a)? = r["caseIds"] { a.compactMap(\.stringValue) } else { [] }
                outcomes.append(SentOutcome(id: r["id"]?.stringValue ?? "", status: r["status"]?.stringValue ?? "", caseIds: ids))
            }
        }
        return outcomes
    }

    /// Open exceptions, highest-priority cases first.
    public func openWork(limit: Int) async throws -> [WorkItem] {
        let body = try await call("GET", "/v1/cases?state=active&sort=priority&limit=\(limit)", key: agentKey)
        guard case .array(let items)? = body["items"] else { return [] }
        var work: [WorkItem] = []
        for c in items {
            guard let caseId = c["id"]?.stringValue, case .array(let exceptions)? = c["exceptions"] else { continue }
            for e in exceptions {
                guard let id = e["id"]?.stringValue, let type = e["type"]?.stringValue, let state = e["state"]?.stringValue,
                      state == "open" || state == "assigned" else { continue }
                work.append(WorkItem(caseId: caseId, orderId: c["orderId"]?.stringValue, exceptionId: id, type: type, state: state))
            }
        }
        return work
    }

    public func claimAndResolve(_ item: WorkItem, code: String, as person: String? = nil) async throws {
        let path = "/v1/cases/\(item.caseId)/exceptions/\(item.exceptionId)"
        if item.state == "open" { _ = try await call("POST", path + "/claim", key: key(of: person), body: Data("{}".utf8)) }
        _ = try await call("POST", path + "/resolve", key: key(of: person),
                           body: JSONValue.object(["code": .string(code)]).canonicalData())
    }

    /// Claims the exception and puts it on waiting for `party`, with the reason.
    public func claimAndWait(_ item: WorkItem, on party: WaitingParty, reason: String, as person: String? = nil) async throws {
        let path = "/v1/cases/\(item.caseId)/exceptions/\(item.exceptionId)"
        if item.state == "open" { _ = try await call("POST", path + "/claim", key: key(of: person), body: Data("{}".utf8)) }
        _ = try await call("POST", path + "/wait", key: key(of: person),
                           body: JSONValue.object(["reason": .string(reason), "waitingOn": .string(party.rawValue)]).canonicalData())
    }

    /// Claims the exception and asks for an action on it; the answer is the action.
    public func claimAndAsk(_ item: WorkItem, kind: ActionKind, parameters: JSONValue = .object([:]), as person: String? = nil) async throws -> JSONValue {
        let path = "/v1/cases/\(item.caseId)/exceptions/\(item.exceptionId)"
        if item.state == "open" { _ = try await call("POST", path + "/claim", key: key(of: person), body: Data("{}".utf8)) }
        return try await call("POST", path + "/actions", key: key(of: person),
                              body: JSONValue.object(["kind": .string(kind.rawValue), "parameters": parameters]).canonicalData())
    }

    /// Actions waiting for approval: (id, requested at).
    public func pendingApprovals() async throws -> [(String, Instant)] {
        guard let key = approverKey else { return [] }
        let body = try await call("GET", "/v1/actions?state=pending_approval&limit=200", key: key)
        guard case .array(let items)? = body["items"] else { return [] }
        return items.compactMap { a in
            guard let id = a["id"]?.stringValue, let at = a["requestedAt"]?.stringValue.flatMap(Instant.init(iso8601:)) else { return nil }
            return (id, at)
        }
    }

    public func approve(_ actionId: String, reason: String) async throws {
        guard let key = approverKey else { return }
        _ = try await call("POST", "/v1/actions/\(actionId)/approve", key: key, body: JSONValue.object(["reason": .string(reason)]).canonicalData())
    }

    func call(_ method: String, _ path: String, key: String, contentType: String = "application/json", body: Data? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            let detail = JSONValue.parse(data)?["detail"]?.stringValue ?? ""
            throw ConnectionError(description: "\(method) \(path) answered \(response.status.code) \(detail)", status: Int(response.status.code))
        }
        return JSONValue.parse(data) ?? .null
    }
}
