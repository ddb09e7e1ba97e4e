import ClearwayIntelligence
import Foundation

/// The sentence encoder's weights for tests: `$CLEARWAY_ENCODER_DIR` or the repository's
/// `models/all-MiniLM-L6-v2` (scripts/install-encoder.sh). `CLEARWAY_REQUIRE_ENCODER=1` (set by
/// CI) turns missing weights into a failure, not a skip. Loaded once per test process.
public enum EncoderWeights {
    public static let directory = ProcessInfo.processInfo.environment["CLEARWAY_ENCODER_DIR"]
        ?? RepositoryFiles.url(EncoderFiles.defaultDirectory).path
    public static let required = ProcessInfo.processInfo.environment["CLEARWAY_REQUIRE_ENCODER"] == "1"
    public static var available: Bool { required || EncoderFiles.installed(in: directory) }

    public static let encoder: Result<SentenceEncoder, EncoderFiles.LoadError> = Result { () throws(EncoderFiles.LoadError) in
        try EncoderFiles.load(from: directory)
    }

    public static func load() throws -> SentenceEncoder { try encoder.get() }
}
