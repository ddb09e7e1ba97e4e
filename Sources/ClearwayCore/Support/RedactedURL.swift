import Foundation

/// A URL as Clearway shows it (API, console, logs, errors): scheme, host, port and path,
/// never credentials, query or fragment, where tokens and passwords tend to hide.
public enum RedactedURL {
    public static func text(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.host != nil else { return "(a URL that could not be read)" }
        let hidden = parts.user != nil || parts.password != nil || parts.query != nil || parts.fragment != nil
        parts.user = nil; parts.password = nil; parts.query = nil; parts.fragment = nil
        return (parts.string ?? "(a URL that could not be read)") + (hidden ? " (credentials and query hidden)" : "")
    }
}
