import ClearwayCore
import ClearwayEngine
import Foundation

/// Turns console forms into engine commands, and engine refusals into plain sentences.
enum ConsoleActions {
    static func command(_ action: String, form: [String: [String]]) throws -> ExceptionCommand {
        func field(_ name: String) -> String { (form[name]?.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        switch action {
        case "claim": return .claim
        case "assign":
            guard !field("assignee").isEmpty else { throw ConsoleFailure.badRequest("Choose who to assign it to.") }
            return .assign(to: field("assignee"), overCapacityReason: field("overCapacityReason").isEmpty ? nil : field("overCapacityReason"))
        case "unassign": return .unassign
        case "wait":
            guard !field("reason").isEmpty else { throw ConsoleFailure.badRequest("Say what the exception is waiting for.") }
            let on = field("waitingOn").isEmpty ? "team" : field("waitingOn")
            guard let party = WaitingParty(rawValue: on) else {
                throw ConsoleFailure.badRequest("Choose whose move it is: \(WaitingParty.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return .wait(on: party, reason: field("reason"))
        case "resume": return .resume
        case "resolve":
            guard !field("code").isEmpty else { throw ConsoleFailure.badRequest("Choose a resolution code.") }
            return .resolve(code: field("code"), note: field("note").isEmpty ? nil : field("note"))
        case "reroute":
            guard !field("queue").isEmpty else { throw ConsoleFailure.badRequest("Choose the queue to move it to.") }
            return .reroute(queue: field("queue"))
        case "acknowledge": return .acknowledgeEscalation(note: field("note").isEmpty ? nil : field("note"))
        default: throw ConsoleFailure.notFound("There is no action called \(action).")
        }
    }

    static func bulkCommand(_ form: [String: [String]]) throws -> ExceptionCommand {
        let action = form["action"]?.first ?? ""
        guard ["claim", "assign", "resolve", "reroute"].contains(action) else { throw ConsoleFailure.badRequest("Choose claim, assign, re-route or resolve.") }
        return try command(action, form: form)
    }

    static func doneMessage(_ command: ExceptionCommand) -> String {
        switch command {
        case .claim: "Claimed"
        case .assign(let who): "Assigned to \(who)"
        case .unassign: "Unassigned"
        case .wait: "Set to waiting"
        case .resume: "Resumed"
        case .resolve(let code, _): "Resolved with \(code)"
        case .reroute(let queue): "Moved to \(queue)"
        case .acknowledgeEscalation: "Escalation acknowledged"
        }
    }

    static func failure(for error: EngineError) -> ConsoleFailure {
        switch error {
        case .forbidden(let d): .forbidden("Your role does not allow this: \(d).")
        case .notFound(let what, let id): .notFound("There is no \(what) \(id).")
        case .conflict(let d): .badRequest("That is not possible now: \(d).")
        case .invalid(_, let d): .badRequest("Please check the form: \(d).")
        case .invalidFields(let problems): .badRequest("Please check the form: \(problems.map(\.detail).joined(separator: "; ")).")
        case .blocked(let action, let checks): .badRequest("\(action.replacingOccurrences(of: "_", with: " ")) is blocked by guardrails: "
                                                          + checks.map(\.detail).joined(separator: "; ") + ".")
        case .saturated(let seconds): .badRequest("Clearway is busy; nothing was changed. Try again in \(seconds) s.")
        }
    }
}

extension ConsoleFailure {
    var message: String {
        switch self {
        case .badRequest(let m), .forbidden(let m), .notFound(let m): m
        }
    }
}
