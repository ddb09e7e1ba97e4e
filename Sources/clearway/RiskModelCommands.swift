import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// `clearway risk-model …`: the SLA breach-risk model's versions.
struct RiskModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk-model", abstract: "Train and govern the SLA breach-risk model (stored versions, promotion, rollback).",
        discussion: "Running servers retrain it daily on their own and serve a version that passes the policy's triage.riskGate; "
            + "these commands do the same by hand, with who and why recorded in the audit log.",
        subcommands: [Train.self, List.self, Promote.self, Rollback.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Train a version on the last 180 days of the record and store it.")
        @Flag(help: "Store it without putting it in service, even if it passes the gate.") var storeOnly = false
        @Option(help: "Why (recorded in the audit log).") var reason = "trained by hand"
        @OptionGroup var actor: ModelActor

        func run() async throws {
            let trained = try await actor.withEngine { try await $0.trainBreachRisk(by: actor.principal, promote: !storeOnly, reason: reason) }
            let m = trained.card.heldOut
            print(String(format: "Stored %@@%d: %d exceptions, %d slices; measured on %d open exceptions: AUC %.3f, Brier %.3f, calibration error %.3f.",
                         trained.stored.kind, trained.stored.version, trained.card.exceptions, trained.card.slices, m.n, m.auc, m.brier, m.calibrationError))
            if trained.serving { print("It serves now (running servers pick it up within a minute).") }
            if !trained.belowGate.isEmpty {
                print("It is below the policy's gate (\(trained.belowGate.joined(separator: "; "))): promoting it needs --reason.")
            } else if !trained.serving {
                print("Put it in service with: clearway risk-model promote \(trained.stored.version)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stored versions with their cards, which one serves, and the history of changes.")
        @OptionGroup var actor: ModelActor

        func run() async throws {
            let models = try await actor.withEngine { try await $0.breachRiskModels(by: actor.principal) }
            guard !models.versions.isEmpty else { print("No breach-risk versions stored. Train one with `clearway risk-model train`."); return }
            let serving = ModelServingChange.stack(models.history).last
            print("| version | serving | created | by | exceptions | measured on | AUC | Brier | calibration error | below the gate |\n|---|---|---|---|---|---|---|---|---|---|")
            for v in models.versions {
                let c = v.stored.breachRiskCard
                let figures = c.map { String(format: "%d | %d | %.3f | %.3f | %.3f", $0.exceptions, $0.heldOut.n, $0.heldOut.auc, $0.heldOut.brier, $0.heldOut.calibrationError) }
                    ?? "– | – | – | – | –"
                print("| \(v.stored.version) | \(v.stored.version == serving ? "yes" : "") | \(v.stored.createdAt.iso8601) | \(v.stored.createdBy) | \(figures) | "
                      + v.belowGate.joined(separator: "; ") + " |")
            }
            if !models.history.isEmpty {
                print("\nChanges:")
                for h in models.history { print("  \(h.changedAt.iso8601) \(h.change.rawValue) → \(h.version) by \(h.changedBy)\(h.reason.map { ": \($0)" } ?? "")") }
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a stored version in service.")
        @Argument(help: "The version number.") var version: Int
        @Option(help: "Why (recorded in the audit log; needed below the gate).") var reason: String?
        @OptionGroup var actor: ModelActor

        func run() async throws {
            try await actor.withEngine { try await $0.promoteBreachRisk(version: version, by: actor.principal, reason: reason) }
            print("\(BreachRiskVersions.kind)@\(version) serves now (running servers pick it up within a minute).")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return to the version that served before the current one.")
        @Option(help: "Why (recorded in the audit log).") var reason: String?
        @OptionGroup var actor: ModelActor

        func run() async throws {
            let version = try await actor.withEngine { try await $0.rollbackBreachRisk(by: actor.principal, reason: reason) }
            print("Rolled back: \(BreachRiskVersions.kind)@\(version) serves now.")
        }
    }
}
