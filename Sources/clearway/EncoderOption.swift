import ArgumentParser
import ClearwayIntelligence
import Foundation

/// Where the sentence encoder's weights are, for the commands that read messages.
struct EncoderOption: ParsableArguments {
    @Option(name: .customLong("encoder"),
            help: ArgumentHelp("Folder of the sentence encoder's weights (default: $CLEARWAY_ENCODER_DIR or models/all-MiniLM-L6-v2; "
                               + "scripts/install-encoder.sh installs them)."))
    var folder: String?
    @Flag(help: "Read messages with TF-IDF alone, without the sentence encoder.") var wordsOnly = false

    /// The folder to load from, nil with --words-only.
    var directory: String? { wordsOnly ? nil : EncoderFiles.directory(folder) }

    /// The encoder, or nil (said on standard error) when it is not installed in the default
    /// folder. A folder named on the command line that cannot be loaded is an error.
    func load(quiet: Bool = false) throws -> SentenceEncoder? {
        guard let directory else { return nil }
        let explicit = folder != nil || ProcessInfo.processInfo.environment["CLEARWAY_ENCODER_DIR"] != nil
        if !explicit, !EncoderFiles.installed(in: directory) {
            if !quiet {
                let why = "the sentence encoder's weights are not installed in \(directory) (\(EncoderFiles.installHint))"
                FileHandle.standardError.write(Data("Reading with TF-IDF alone: \(why).\n".utf8))
            }
            return nil
        }
        do { return try EncoderFiles.load(from: directory) } catch { throw CLIError.badInput("\(error)") }
    }
}
