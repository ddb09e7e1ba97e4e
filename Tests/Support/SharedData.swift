import Foundation

/// The public data the tests read: `shared/data` beside the repository (as CI has it) or
/// `$CLEARWAY_SHARED_DATA`.
public enum SharedData {
    public static let url: URL = {
        if let data = ProcessInfo.processInfo.environment["CLEARWAY_SHARED_DATA"] { return URL(fileURLWithPath: data) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    public static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: url.appendingPathComponent(path))) }
}

/// Files the repository itself ships (`data/`, `Tests/Fixtures/`), by path from its root:
/// present in every clone, with or without `shared` beside it.
public enum RepositoryFiles {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    public static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: url(path))) }
}
