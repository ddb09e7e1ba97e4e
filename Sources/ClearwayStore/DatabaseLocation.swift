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

    /// The URL with whatever stands between `://` and the last `@` (user and password)
    /// masked, whether or not the URL parses: a password with a character a URL parser
    /// rejects must not be printed either.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url.contains("@") ? "****" : url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map { i in
            // A password may hold '/', '?' or '#': the credentials end at the last '@' in any case.
            rest.lastIndex(of: "@").map { max($0, i) } ?? i
        } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") ?? rest.lastIndex(of: "@") else { return url }
        let user = rest[..<at].split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return url[..<scheme.upperBound] + (user.isEmpty ? "" : user + ":") + "****" + rest[at...]
    }
}
