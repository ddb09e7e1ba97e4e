import ClearwayCore
import ClearwayEngine
import Foundation
import OpenAPIRuntime

/// Domain records → the contract's types. Kept apart from handlers so they stay
/// "decode, call the engine, encode".
enum ContractMapping {
    static func summary(_ c: CaseRecord, exceptions: [ExceptionRecord], now: Instant) -> Components.Schemas.CaseSummary {
        Components.Schemas.CaseSummary(
            id: c.id, orderKey: c.orderKey, orderId: c.orderId, customerId: c.customerId,
            customerTier: .init(rawValue: c.customerTier.rawValue) ?? .standard, segment: c.segment, site: c.site, channel: c.channel,
            state: .init(rawValue: c.state.rawValue) ?? .open, priority: c.priority, moneyAtRisk: c.moneyAtRisk.doubleValue,
            exceptionCount: c.exceptionCount, openedAt: c.openedAt.date, updatedAt: c.updatedAt.date, closedAt: c.closedAt?.date,
            ageHours: ((c.closedAt ?? now).seconds(since: c.openedAt) / 3600 * 100).rounded() / 100,
            exceptions: exceptions.map { e in
                Components.Schemas.ExceptionSummary(
                    id: e.id, _type: e.type.rawValue, queue: e.queue, state: .init(rawValue: e.lifecycle.state.rawValue) ?? .open,
                    assignee: e.lifecycle.assignee, escalation: .init(rawValue: e.lifecycle.escalation.rawValue) ?? .none,
                    priority: e.priority.score, summary: e.finding.summary, slaDueAt: e.sla.dueAt.date, slaAtRiskAt: e.sla.atRiskAt.date)
            }, traceId: c.trace?.traceId, traceparent: c.trace?.traceparent)
    }

    static func detail(_ e: ExceptionRecord, policy: Policy, site: String, now: Instant) -> Components.Schemas.ExceptionDetail {
        let calendar = policy.site(site).calendar
        let consumed = e.lifecycle.state.isClosed
            ? e.sla.consumed(at: e.closedAt ?? now, calendar: calendar)
            : e.sla.consumed(at: now, calendar: calendar)
        let status: Components.Schemas.Escalation = .init(rawValue: e.sla.status(at: e.closedAt ?? now).rawValue) ?? .none
        return Components.Schemas.ExceptionDetail(
            id: e.id, caseId: e.caseId, _type: e.type.rawValue, queue: e.queue,
            state: .init(rawValue: e.lifecycle.state.rawValue) ?? .open, assignee: e.lifecycle.assignee,
            escalation: .init(rawValue: e.lifecycle.escalation.rawValue) ?? .none, summary: e.finding.summary,
            evidence: e.finding.evidence.map { .init(label: $0.label, expected: $0.expected, actual: $0.actual, note: $0.note) },
            moneyAtRisk: e.finding.moneyAtRisk.doubleValue, decidedBy: e.finding.decidedBy, triage: e.finding.triage.map(triage),
            priority: e.priority.score,
            priorityParts: e.priority.parts.map { .init(name: $0.name, value: $0.value, weight: $0.weight, contribution: $0.contribution) },
            sla: sla(e, consumed: consumed, status: status, calendar: calendar, now: now),
            resolutionCode: e.lifecycle.resolution?.code, resolutionNote: e.lifecycle.resolution?.note,
            resolvedAutomatically: e.lifecycle.resolution?.automatic,
            resolvedTouchless: e.lifecycle.resolution?.touchless, reopenCount: e.lifecycle.reopenCount,
            ladder: LadderStanding.of(e, policy: policy, site: site).map(Self.ladder),
            openedAt: e.openedAt.date, updatedAt: e.updatedAt.date, closedAt: e.closedAt?.date)
    }

    static func sla(_ e: ExceptionRecord, consumed: Double, status: Components.Schemas.Escalation, calendar: BusinessCalendar,
                    now: Instant) -> Components.Schemas.SlaClock {
        let s = e.sla
        let state: Components.Schemas.SlaClock.statePayload = e.lifecycle.state.isClosed ? .stopped : s.isPaused ? .paused : .running
        let paused = s.paused(at: e.closedAt ?? now, calendar: calendar)
        return .init(startedAt: s.startedAt.date, atRiskAt: s.atRiskAt.date, dueAt: s.dueAt.date, targetMinutes: s.targetMinutes,
                     calendar: s.calendar, consumed: (consumed * 1000).rounded() / 1000, status: status, state: state,
                     pausedMinutes: (paused * 10).rounded() / 10, pausedSince: s.pausedAt?.date,
                     waitingOn: s.pausedOn.flatMap { .init(rawValue: $0.rawValue) }, maxPausedMinutes: s.maxPausedMinutes)
    }

    static func ladder(_ standing: LadderStanding) -> Components.Schemas.LadderState {
        .init(rungs: standing.rungs.map { .init(number: $0.number, at: $0.at, does: $0.does, fired: $0.fired, dueAt: $0.dueAt?.date) },
              repeats: standing.repeats, priorityBoost: standing.priorityBoost, awaitingAcknowledgement: standing.awaitingAcknowledgement)
    }

    static func notification(_ n: NotificationRecord) -> Components.Schemas.Notification {
        .init(id: n.id, trigger: .init(rawValue: n.trigger.rawValue) ?? .escalation, title: n.title, body: n.body, caseId: n.caseId,
              exceptionId: n.exceptionId, orderId: n.orderId, createdAt: n.createdAt.date, read: n.readAt != nil)
    }

    static func triage(_ t: MessageTriage) -> Components.Schemas.MessageTriage {
        .init(requestType: t.requestType, decidedBy: .init(rawValue: t.decidedBy.rawValue) ?? .rules, confidence: t.confidence,
              modelVersion: t.modelVersion, note: t.note, queue: t.queue,
              details: .init(orderNumbers: t.details.orderNumbers, skus: t.details.skus, quantities: t.details.quantities, dates: t.details.dates))
    }

    static func order(_ o: Order) -> Components.Schemas.Order {
        Components.Schemas.Order(
            orderId: o.id, customerId: o.customerId, site: o.site, channel: o.channel.rawValue, status: o.status.rawValue,
            sourceStatus: o.sourceStatus, orderDate: o.orderDate.description, requestedShipDate: o.requestedShipDate.description,
            promiseDate: o.promiseDate?.description, lane: o.lane, carrier: o.carrier, currency: o.currency, total: o.total.doubleValue,
            lines: o.lines.map { .init(lineNumber: $0.lineNumber, sku: $0.sku, quantity: $0.quantity, unitOfMeasure: $0.unitOfMeasure, unitPrice: $0.unitPrice.doubleValue) })
    }

    static func timeline(_ a: AuditEntry) -> Components.Schemas.TimelineEntry {
        Components.Schemas.TimelineEntry(seq: a.seq, at: a.at.date, actor: a.actor, action: a.action, exceptionId: a.exceptionId,
                                         before: a.before, after: a.after, reason: a.reason, policyVersion: a.policyVersion,
                                         detail: a.detail.flatMap(value))
    }

    static func deadLetter(_ d: DeadLetter) -> Components.Schemas.DeadLetter {
        Components.Schemas.DeadLetter(id: d.id, source: d.source, eventId: d.eventId, _type: d.type, reasonCode: d.reasonCode,
                                      reason: d.reason, receivedAt: d.receivedAt.date, status: d.status, attempts: d.attempts,
                                      resolvedAt: d.resolvedAt?.date, event: value(d.event) ?? OpenAPIValueContainer(nilLiteral: ()))
    }

    static func eventResult(_ o: IngestOutcome) -> Components.Schemas.EventResult {
        Components.Schemas.EventResult(source: o.source, id: o.id, _type: o.type, status: .init(rawValue: o.status.rawValue) ?? .accepted,
                                       caseIds: o.caseIds, deadLetterId: o.deadLetterId, reason: o.reason)
    }

    static func value(_ json: JSONValue) -> OpenAPIValueContainer? {
        try? OpenAPIValueContainer(unvalidatedValue: any(json))
    }

    static func any(_ json: JSONValue) -> (any Sendable)? {
        switch json {
        case .null: nil
        case .bool(let b): b
        case .number(let n): n
        case .string(let s): s
        case .array(let a): a.map { any($0) }
        case .object(let o): o.mapValues { any($0) }
        }
    }
}
