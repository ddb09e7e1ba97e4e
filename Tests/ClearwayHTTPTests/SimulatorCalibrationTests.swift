import Foundation
import Testing

/// The simulated distributor's exception mix, read back from Clearway after a 90-day
/// backfill, lands on its calibration targets: `clearway simulate --report` exits 0 only
/// when every figure is within its stated tolerance. Run at a lighter daily volume than
/// the report's default to keep the suite quick; the shares do not depend on volume.
///
/// The same history then goes through root-cause analysis, which must find the three causes
/// the simulator plants (stale contract prices in the construction segment, a WMS losing
/// count of the electrical family, customers near their limit at month-end) as its top three.
@Suite struct SimulatorCalibrationTests {
    struct RootCause: Decodable { var type: String; var dimension: String; var value: String; var primary: Bool; var statement: String }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: BrowserTools.clearway), "needs the clearway executable beside the tests"))
    func ninetyDayBackfillMatchesCalibrationTargetsAndShowsItsPlantedCauses() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clearway-calibration-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // A fixed history (it ends on 2026-11-23), so the figures do not move with the day the
        // suite runs: the calendar (month ends, holidays) shapes the mix.
        let report = try ChildProcess(BrowserTools.clearway, ["simulate", "--report", "--days", "90", "--orders-per-day", "60", "--until", "2026-11-23",
                                                              "--keep-database", path])
        let (status, text) = try await report.finish()
        #expect(text.contains("orders with an exception"), "the report must print the calibration table:\n\(text)")
        #expect(!text.contains("OUT OF TOLERANCE"), "a figure is outside its tolerance:\n\(text)")
        #expect(status == 0, "clearway simulate --report failed:\n\(text)")

        let analysis = try ChildProcess(BrowserTools.clearway, ["insights", "root-causes", "--database", "sqlite:\(path)", "--from", "2026-08-20",
                                                                "--to", "2026-11-24", "--json"])
        let (analysisStatus, json) = try await analysis.finish()
        #expect(analysisStatus == 0, "\(json)")
        let findings = try JSONDecoder().decode([RootCause].self, from: Data(json.utf8))
        let top = Set(findings.prefix(3).map { "\($0.type) \($0.dimension)=\($0.value)" })
        let statements = findings.map(\.statement).joined(separator: "\n")
        let planted: Set<String> = ["pricing.contract_mismatch segment=construction", "inventory.record_mismatch product family=electrical",
                                    "credit.limit_exceeded time of month=month-end"]
        #expect(top == planted, "top findings:\n\(statements)")
        #expect(findings.prefix(3).filter { !$0.primary }.isEmpty, "the planted causes lead their types")
    }
}
