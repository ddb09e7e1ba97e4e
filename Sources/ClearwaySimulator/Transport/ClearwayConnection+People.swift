import ClearwayCore

/// The calls a named person makes: Get next and their own assigned work.
extension ClearwayConnection {
    /// The person's own key, or the shared agent key when they have none.
    func key(of person: String?) -> String { person.flatMap { personKeys[$0] } ?? agentKey }

    /// Presses Get next as `person`; nil when Clearway says there is nothing for them.
    public func getNext(as person: String) async throws -> WorkItem? {
        let body = try await call("POST", "/v1/work/next", key: key(of: person))
        guard case .bool(true)? = body["claimed"], let e = body["exception"], let caseId = e["caseId"]?.stringValue,
              let id = e["id"]?.stringValue, let type = e["type"]?.stringValue else { return nil }
        return WorkItem(caseId: caseId, orderId: nil, exceptionId: id, type: type, state: "assigned")
    }

    /// What is assigned to `person` and not waiting on anyone, most urgent first.
    public func myWork(as person: String) async throws -> [WorkItem] {
        let body = try await call("GET", "/v1/me/work", key: key(of: person))
        guard case .array(let items)? = body["assigned"] else { return [] }
        return items.compactMap { e in
            guard let caseId = e["caseId"]?.stringValue, let id = e["exceptionId"]?.stringValue, let type = e["type"]?.stringValue,
                  let state = e["state"]?.stringValue, state == "assigned" else { return nil }
            return WorkItem(caseId: caseId, orderId: e["orderId"]?.stringValue, exceptionId: id, type: type, state: state)
        }
    }
}
