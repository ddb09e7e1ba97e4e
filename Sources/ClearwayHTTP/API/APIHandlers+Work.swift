import ClearwayCore
import ClearwayEngine
import Foundation
import OpenAPIRuntime

/// Working exceptions, comments and dead letters.
extension APIHandlers {
    func work(_ caseId: String, _ exceptionId: String, _ command: ExceptionCommand, needs permission: Permission = .workExceptions) async throws -> Components.Schemas.ExceptionDetail {
        let principal = try RequestPrincipal.require(permission)
        let (caseRecord, record) = try await engine.work(caseId: caseId, exceptionId: exceptionId, command: command, by: principal)
        return ContractMapping.detail(record, policy: engine.policy, site: caseRecord.site, now: engine.clock.now())
    }

    func claimException(_ input: Operations.claimException.Input) async throws -> Operations.claimException.Output {
        .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .claim))))
    }

    /// A required text field, trimmed, between 1 and `max` characters.
    func text(_ value: String, at pointer: String, max: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= max else { throw Problem.invalid([FieldProblem(pointer: pointer, detail: "must be 1–\(max) characters")]) }
        return trimmed
    }

    func assignException(_ input: Operations.assignException.Input) async throws -> Operations.assignException.Output {
        let body = switch input.body { case .json(let json): json }
        let assignee = try text(body.assignee, at: "/assignee", max: 200)
        let override = body.overCapacityReason.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        return .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .assign(to: assignee, overCapacityReason: override)))))
    }

    func unassignException(_ input: Operations.unassignException.Input) async throws -> Operations.unassignException.Output {
        .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .unassign))))
    }

    func waitException(_ input: Operations.waitException.Input) async throws -> Operations.waitException.Output {
        let body = switch input.body { case .json(let json): json }
        let reason = try text(body.reason, at: "/reason", max: 2000)
        let party = body.waitingOn.flatMap { WaitingParty(rawValue: $0.rawValue) } ?? .team
        return .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .wait(on: party, reason: reason)))))
    }

    func resumeException(_ input: Operations.resumeException.Input) async throws -> Operations.resumeException.Output {
        .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .resume))))
    }

    func resolveException(_ input: Operations.resolveException.Input) async throws -> Operations.resolveException.Output {
        let body = switch input.body { case .json(let json): json }
        if let note = body.note, note.count > 2000 { throw Problem.invalid([FieldProblem(pointer: "/note", detail: "must be at most 2000 characters")]) }
        return .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .resolve(code: body.code, note: body.note)))))
    }

    func acknowledgeEscalation(_ input: Operations.acknowledgeEscalation.Input) async throws -> Operations.acknowledgeEscalation.Output {
        var note: String?
        if case .json(let body)? = input.body, let text = body.note?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            guard text.count <= 2000 else { throw Problem.invalid([FieldProblem(pointer: "/note", detail: "must be at most 2000 characters")]) }
            note = text
        }
        return .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .acknowledgeEscalation(note: note),
                                                    needs: .assignOthers))))
    }

    func addComment(_ input: Operations.addComment.Input) async throws -> Operations.addComment.Output {
        let principal = try RequestPrincipal.require(.workExceptions)
        let body = switch input.body { case .json(let json): json }
        let entry = try await engine.comment(caseId: input.path.caseId, exceptionId: body.exceptionId, text: body.text, by: principal)
        return .created(.init(body: .json(ContractMapping.timeline(entry))))
    }

    func listDeadLetters(_ input: Operations.listDeadLetters.Input) async throws -> Operations.listDeadLetters.Output {
        let principal = try RequestPrincipal.require(.readDeadLetters)
        let limit = input.query.limit ?? 50, offset = input.query.offset ?? 0
        guard (1...500).contains(limit) else { throw Problem.invalid([FieldProblem(pointer: "/query/limit", detail: "must be between 1 and 500")]) }
        guard offset >= 0 else { throw Problem.invalid([FieldProblem(pointer: "/query/offset", detail: "must not be negative")]) }
        let page = try await engine.deadLetters(status: input.query.status?.rawValue, limit: limit, offset: offset, by: principal)
        return .ok(.init(body: .json(.init(total: page.total, items: page.items.map(ContractMapping.deadLetter)))))
    }

    func getDeadLetter(_ input: Operations.getDeadLetter.Input) async throws -> Operations.getDeadLetter.Output {
        let principal = try RequestPrincipal.require(.readDeadLetters)
        let letter = try await engine.deadLetter(input.path.deadLetterId, by: principal)
        return .ok(.init(body: .json(ContractMapping.deadLetter(letter))))
    }

    func replayDeadLetter(_ input: Operations.replayDeadLetter.Input) async throws -> Operations.replayDeadLetter.Output {
        let principal = try RequestPrincipal.require(.replayDeadLetters)
        let (letter, outcome) = try await engine.replayDeadLetter(input.path.deadLetterId, by: principal)
        return .ok(.init(body: .json(.init(deadLetter: ContractMapping.deadLetter(letter), result: ContractMapping.eventResult(outcome)))))
    }
}

/// Re-routing and bulk work.
extension APIHandlers {
    func rerouteException(_ input: Operations.rerouteException.Input) async throws -> Operations.rerouteException.Output {
        let body = switch input.body { case .json(let json): json }
        let queue = try text(body.queue, at: "/queue", max: 100)
        return .ok(.init(body: .json(try await work(input.path.caseId, input.path.exceptionId, .reroute(queue: queue), needs: .assignOthers))))
    }

    func bulkExceptions(_ input: Operations.bulkExceptions.Input) async throws -> Operations.bulkExceptions.Output {
        let body = switch input.body { case .json(let json): json }
        let command: ExceptionCommand
        let permission: Permission
        switch body.operation {
        case .claim: (command, permission) = (.claim, .workExceptions)
        case .assign: (command, permission) = (.assign(to: try text(body.assignee ?? "", at: "/assignee", max: 200)), .assignOthers)
        case .reroute:
            let queue = try text(body.queue ?? "", at: "/queue", max: 100)
            guard engine.policy.queues.contains(queue) else {
                throw Problem.invalid([FieldProblem(pointer: "/queue", detail: "must be one of the policy's queues (\(engine.policy.queues.joined(separator: ", ")))")])
            }
            (command, permission) = (.reroute(queue: queue), .assignOthers)
        case .resolve:
            try ClearwayEngine.validateResolution(code: body.code ?? "", note: body.note)
            (command, permission) = (.resolve(code: body.code ?? "", note: body.note), .workExceptions)
        }
        let principal = try RequestPrincipal.require(permission)
        guard (1...500).contains(body.items.count) else { throw Problem.invalid([FieldProblem(pointer: "/items", detail: "must list 1–500 exceptions")]) }
        var items: [Components.Schemas.BulkResult.itemsPayloadPayload] = []
        for item in body.items {
            do {
                let (_, record) = try await engine.work(caseId: item.caseId, exceptionId: item.exceptionId, command: command, by: principal)
                items.append(.init(id: item.exceptionId, ok: true, state: record.lifecycle.state.rawValue))
            } catch let error as EngineError {
                items.append(.init(id: item.exceptionId, ok: false, error: ProblemMapping.sentence(for: error)))
            }
        }
        let ok = items.filter(\.ok).count
        return .ok(.init(body: .json(.init(succeeded: ok, failed: items.count - ok, items: items))))
    }
}
