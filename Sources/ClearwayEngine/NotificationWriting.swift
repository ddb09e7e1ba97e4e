import ClearwayCore
import ClearwayStore

/// Writes a decision's notification request inside its transaction: the recipients
/// (roles, queue leads, the assignee, named people, distribution addresses) become one
/// row per person or address, and the request is audited with who it reached.
enum NotificationWriter {
    static func write(_ request: NotificationRequest, tx: StoreTransaction, policyVersion: String) async throws {
        var roles = Set<Role>(), named: [String] = [], addresses: [String] = []
        for recipient in request.recipients {
            switch recipient {
            case .assignee:
                if let a = request.assignee { named.append(a) } else { roles.insert(.supervisor) }
            // Until people carry the queues they lead, a queue's leads are its supervisors.
            case .queueLeads: roles.insert(.supervisor)
            case .role(let role): roles.insert(role)
            case .person(let p): named.append(p)
            case .address(let a): addresses.append("address:" + a)
            }
        }
        let active = try await tx.activeUsernames(named)
        var reached: [String] = []
        for name in try await tx.usernames(withRoles: roles) + named.filter(active.contains) + addresses where !reached.contains(name) {
            reached.append(name)
        }
        let missing = named.filter { !active.contains($0) }
        let rows = reached.enumerated().map { n, recipient in
            NotificationRecord(id: "\(request.id)-\(n + 1)", requestId: request.id, recipient: recipient, trigger: request.trigger,
                            caseId: request.caseId, exceptionId: request.exceptionId, orderId: request.orderId, title: request.title,
                            body: request.body, createdAt: request.at)
        }
        try await tx.insertNotifications(rows)
        var detail: [String: JSONValue] = ["trigger": .string(request.trigger.rawValue), "notification": .string(request.id),
                                           "recipients": .array(reached.map(JSONValue.string))]
        if !missing.isEmpty { detail["unknownPeople"] = .array(missing.map(JSONValue.string)) }
        tx.audit(AuditEntry(at: request.at, actor: "system:notifications", caseId: request.caseId, exceptionId: request.exceptionId,
                            action: reached.isEmpty ? "notification.unaddressed" : "notification.created", after: "\(reached.count)",
                            reason: request.title, detail: .object(detail), policyVersion: policyVersion))
    }
}
