import Foundation
import Testing

/// The simulated distributor's exception mix, read back from Clearway after a 90-day
/// backfill, lands on its calibration targets: `clearway simulate --report` exits 0 only
/// when every figure is within its stated tolerance. Run at a lighter daily volume than
/// the report's default to keep the suite quick; the shares do not depend on volume.
@Suite struct SimulatorCalibrationTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: BrowserTools.clearway), "needs the clearway executable beside the tests"))
    func ninetyDayBackfillMatchesCalibrationTargets() async throws {
        let report = try ChildProcess(BrowserTools.clearway, ["simulate", "--report", "--days", "90", "--orders-per-day", "60"])
        let (status, text) = try await report.finish()
        #expect(text.contains("orders with an exception"), "the report must print the calibration table:\n\(text)")
        #expect(!text.contains("OUT OF TOLERANCE"), "a figure is outside its tolerance:\n\(text)")
        #expect(status == 0, "clearway simulate --report failed:\n\(text)")
    }
}
