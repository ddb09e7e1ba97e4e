import ClearwayCore
import Foundation

/// How the console writes times, ages, money and states.
enum Format {
    static func age(_ seconds: Double) -> String {
        let minutes = Int(max(0, seconds) / 60)
        if minutes < 60 { return "\(minutes) m" }
        if minutes < 48 * 60 { return "\(minutes / 60) h \(minutes % 60) m" }
        return "\(minutes / 1_440) d \(minutes % 1_440 / 60) h"
    }

    static func money(_ m: Money) -> String { "$" + m.description }

    static func time(_ i: Instant) -> String {
        let iso = i.iso8601
        return String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func escalation(_ e: ExceptionRecord) -> HTML {
        switch e.lifecycle.escalation {
        case .breached: "<span class=\"badge breached\">SLA breached</span>"
        case .atRisk: "<span class=\"badge at_risk\">SLA at risk</span>"
        case .none: "<span class=\"badge on_track\">on track</span>"
        }
    }

    static func sla(_ e: ExceptionRecord, now: Instant) -> String {
        if let closed = e.closedAt { return "closed \(time(closed))" + pausedNote(e.sla.pausedMinutes) }
        if let since = e.sla.pausedAt {
            let party = e.sla.pausedOn.map { " on the \($0.rawValue)" } ?? ""
            let limit = e.sla.maxPausedMinutes == nil ? "" : "; runs again by \(time(e.sla.dueAt)) at the latest"
            return "clock paused (waiting\(party)) since \(time(since))\(limit)" + pausedNote(e.sla.pausedMinutes)
        }
        let left = e.sla.dueAt.seconds(since: now)
        let due = left >= 0 ? "due in \(age(left)) (\(time(e.sla.dueAt)))" : "overdue by \(age(-left)) (due \(time(e.sla.dueAt)))"
        return due + pausedNote(e.sla.pausedMinutes)
    }

    /// ", paused 3h 10m before" when earlier pauses moved the due time.
    static func pausedNote(_ minutes: Double) -> String {
        minutes > 0 ? ", paused \(age(minutes * 60)) of business time before" : ""
    }
}
