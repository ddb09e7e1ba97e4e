import Foundation

/// One mail as RFC 5322 text: a plain-text and an HTML alternative, UTF-8 throughout
/// (headers as RFC 2047 encoded words, bodies in base64). Addresses are checked by whoever
/// accepted them; line breaks in any header are refused here too, so no header is forged.
public struct MIMEMail: Sendable, Hashable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    /// Without angle brackets; receivers drop a second copy with the same id.
    public var messageId: String
    public var date: Date

    public init(from: String, to: [String], subject: String, text: String, html: String, messageId: String, date: Date) {
        self.from = from; self.to = to; self.subject = subject; self.text = text; self.html = html
        self.messageId = messageId; self.date = date
    }

    public func rendered() -> String {
        let boundary = "clearway-" + String(messageId.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.prefix(40)
            .map(Character.init))
        let headers = [
            "From: \(Self.header(from))", "To: \(to.map(Self.header).joined(separator: ", "))",
            "Subject: \(Self.encodedWord(subject))", "Date: \(Self.rfc5322(date))", "Message-ID: <\(Self.header(messageId))>",
            "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "Auto-Submitted: auto-generated",
        ]
        var out = headers.joined(separator: "\r\n") + "\r\n\r\n"
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            out += "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            out += Self.base64Lines(body) + "\r\n"
        }
        return out + "--\(boundary)--\r\n"
    }

    /// A header value with every control character removed.
    static func header(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }

    static func encodedWord(_ s: String) -> String {
        let clean = header(s)
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) && clean.utf8.count <= 900 { return clean }
        // Encoded words of at most 45 bytes each (60 characters once encoded), split on characters.
        var words: [String] = [], chunk = ""
        for ch in clean {
            if chunk.utf8.count + String(ch).utf8.count > 45 { words.append(chunk); chunk = "" }
            chunk.append(ch)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ s: String) -> String {
        let encoded = Data(s.utf8).base64EncodedString()
        var lines: [Substring] = [], rest = Substring(encoded)
        while !rest.isEmpty { lines.append(rest.prefix(76)); rest = rest.dropFirst(76) }
        return lines.joined(separator: "\r\n")
    }

    static func rfc5322(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }
}
