import Foundation

/// Text that goes into URLs and tokens: query values percent-encoded (RFC 3986 unreserved
/// characters kept) and base64url without padding (RFC 4648 §5).
public enum URLText {
    public static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// One query or form value, everything but unreserved characters escaped.
    public static func encode(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }

    /// `name=value&…` in the order given.
    public static func query(_ items: [(String, String)]) -> String { items.map { "\($0)=\(encode($1))" }.joined(separator: "&") }

    /// `url` with `items` added to its query.
    public static func adding(_ items: [(String, String)], to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + query(items)
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func base64URLDecode(_ text: some StringProtocol) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
