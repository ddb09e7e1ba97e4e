import Foundation

/// Where the data lives, parsed from `--database` / `CLEARWAY_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Accepts `sqlite:PATH`, `sqlite://PATH`, a bare file path, or `postgres://…`/`postgresql://…`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard URL(string: trimmed)?.host != nil else {
                throw Invalid(description: "database URL '\(Self.redacted(trimmed))' has no host; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            }
            self = .postgres(url: trimmed)
        } else if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw Invalid(description: "sqlite: needs a file path, e.g. sqlite:./clearway.db") }
            self = .sqlite(path: path)
        } else if trimmed.contains("://") {
            throw Invalid(description: "unsupported database '\(Self.redacted(trimmed))'; use sqlite:PATH or postgres://…")
        } else if trimmed.isEmpty {
            throw Invalid(description: "database location is empty")
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// Safe to log or print: the password is replaced.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "****"
        return parts.string ?? "postgres://****"
    }
}
