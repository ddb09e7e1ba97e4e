import ClearwayCore
import ClearwayStore

/// Writes a decision's notification request inside its transaction: the recipients
/// (roles, queue leads, the assignee, named people, distribution addresses) become one
/// row per person or address, each is queued on the channels its person chose (due after
/// their digest window and outside their quiet hours), and the request is audited with
/// who it reached.
enum NotificationWriter {
    static func write(_ request: NotificationRequest, tx: StoreTransaction, engine: ClearwayEngine, policy: Policy) async throws {
        var roles = Set<Role>(), named: [String] = [], addresses: [String] = [], leads = false
        for recipient in request.recipients {
            switch recipient {
            case .assignee:
                if let a = request.assignee { named.append(a) } else { leads = true }
            case .queueLeads: leads = true
            case .role(let role): roles.insert(role)
            case .person(let p): named.append(p)
            case .address(let a): addresses.append("address:" + a)
            }
        }
        if leads {
            // The supervisors who carry the queue in their skills; every supervisor if none does.
            let supervisors = try await tx.usernames(withRoles: [.supervisor])
            named += WorkRouter.leads(of: request.queue, supervisors: supervisors, people: try await tx.people())
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
        let sends = request.consoleOnly ? [] : try await self.sends(rows, tx: tx, engine: engine, policy: policy)
        try await tx.queueNotificationSends(sends)
        var detail: [String: JSONValue] = ["trigger": .string(request.trigger.rawValue), "notification": .string(request.id),
                                           "recipients": .array(reached.map(JSONValue.string))]
        if !missing.isEmpty { detail["unknownPeople"] = .array(missing.map(JSONValue.string)) }
        if !sends.isEmpty { detail["queued"] = .array(sends.map { .string("\($0.recipient) by \($0.channel.rawValue)") }) }
        tx.audit(AuditEntry(at: request.at, actor: "system:notifications", caseId: request.caseId, exceptionId: request.exceptionId,
                            action: reached.isEmpty ? "notification.unaddressed" : "notification.created", after: "\(reached.count)",
                            reason: request.title, detail: .object(detail), policyVersion: policy.version))
    }

    /// Each row on each channel beyond the console its person chose and can be reached on.
    /// A distribution address always goes by e-mail, after the policy's digest window.
    static func sends(_ rows: [NotificationRecord], tx: StoreTransaction, engine: ClearwayEngine, policy: Policy) async throws -> [NotificationSend] {
        let mail = engine.notificationChannels.mail != nil
        let people = rows.map(\.recipient).filter { !$0.hasPrefix("address:") }
        let preferences = try await tx.notificationPreferences(people, key: engine.dataKey)
        var sends: [NotificationSend] = []
        for row in rows {
            if row.recipient.hasPrefix("address:") {
                let due = row.createdAt.adding(seconds: Double(policy.notifications.digestMinutes) * 60)
                if mail { sends.append(NotificationSend(notificationId: row.id, channel: .email, recipient: row.recipient, dueAt: due)) }
                continue
            }
            let chosen = preferences[row.recipient] ?? NotificationPreferences()
            let calendar = chosen.calendarSite.map { policy.site($0).calendar } ?? policy.global.calendar
            let due = chosen.due(at: row.createdAt, defaults: policy.notifications, calendar: calendar)
            for channel in chosen.outside(row.trigger, defaults: policy.notifications) where channel != .email || mail {
                sends.append(NotificationSend(notificationId: row.id, channel: channel, recipient: row.recipient, dueAt: due))
            }
        }
        return sends
    }
}
