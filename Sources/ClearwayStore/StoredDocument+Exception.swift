import ClearwayCore

/// An exception's JSON columns written by hand, byte for byte what `JSONText.encode` writes
/// (sorted keys, absent optionals left out): every opened or changed exception writes all
/// four, and Codable was 8% of a node's CPU when every order opens a case.
extension StoredDocument {
    public static func priority(_ p: PriorityScore) throws -> String {
        var json = JSONBytes(capacity: 64 + 96 * p.parts.count)
        json.beginObject()
        json.beginArray("parts")
        for part in p.parts {
            json.beginObject()
            try json.field("contribution", part.contribution)
            json.field("name", part.name)
            try json.field("value", part.value)
            try json.field("weight", part.weight)
            json.endObject()
        }
        json.endArray()
        try json.field("score", p.score)
        json.endObject()
        return json.text
    }

    public static func sla(_ s: SLAClock) throws -> String {
        var json = JSONBytes(capacity: 160)
        json.beginObject()
        json.field("atRiskAt", s.atRiskAt.iso8601)
        json.field("calendar", s.calendar)
        json.field("dueAt", s.dueAt.iso8601)
        if let max = s.maxPausedMinutes { try json.field("maxPausedMinutes", max) }
        json.field("pausedAt", s.pausedAt?.iso8601)
        if s.pausedMinutes != 0 { try json.field("pausedMinutes", s.pausedMinutes) }
        json.field("pausedOn", s.pausedOn?.rawValue)
        json.field("startedAt", s.startedAt.iso8601)
        try json.field("targetMinutes", s.targetMinutes)
        json.endObject()
        return json.text
    }

    public static func lifecycle(_ l: ExceptionLifecycle) throws -> String {
        var json = JSONBytes(capacity: 128)
        json.beginObject()
        json.field("assignee", l.assignee)
        json.field("escalation", l.escalation.rawValue)
        if !l.ladder.isStart {
            json.beginObject("ladder")
            json.field("awaitingAcknowledgement", l.ladder.awaitingAcknowledgement)
            try json.field("boost", l.ladder.boost)
            json.field("fired", l.ladder.fired)
            json.field("repeats", l.ladder.repeats)
            json.endObject()
        }
        json.field("reopenCount", l.reopenCount)
        if let r = l.resolution {
            json.beginObject("resolution")
            json.field("automatic", r.automatic)
            json.field("code", r.code)
            json.field("note", r.note)
            json.field("touchless", r.touchless)
            json.endObject()
        }
        json.field("state", l.state.rawValue)
        json.endObject()
        return json.text
    }

    /// A finding; one that carries a message's reading (a customer request) is rare and
    /// goes through Codable.
    public static func finding(_ f: Finding) throws -> String {
        guard f.triage == nil else { return try JSONText.encode(f) }
        var json = JSONBytes(capacity: 256 + 96 * f.evidence.count)
        json.beginObject()
        json.field("decidedBy", f.decidedBy)
        json.beginArray("evidence")
        for item in f.evidence {
            json.beginObject()
            json.field("actual", item.actual)
            json.field("expected", item.expected)
            json.field("label", item.label)
            json.field("note", item.note)
            json.endObject()
        }
        json.endArray()
        json.field("key", f.key)
        try json.field("moneyAtRisk", f.moneyAtRisk.doubleValue)
        json.field("productFamily", f.productFamily)
        json.field("queue", f.queue)
        json.field("sku", f.sku)
        json.field("summary", f.summary)
        json.field("type", f.type.rawValue)
        json.endObject()
        return json.text
    }
}
