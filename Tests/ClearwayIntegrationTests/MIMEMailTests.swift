import ClearwayIntegration
import Foundation
import Testing

/// A notification mail as text on the wire: UTF-8 subjects as encoded words, bodies in
/// base64 lines, both alternatives, and no header a quoted title could forge.
@Suite("MIME mail")
struct MIMEMailTests {
    static let mail = MIMEMail(from: "clearway@example.com", to: ["dana@example.com"], subject: "Überfällig: SO-1\r\nBcc: eve@example.com",
                               text: "Lieferung zu spät\n", html: "<p>Lieferung zu spät</p>", messageId: "OBX-1@clearway",
                               date: Date(timeIntervalSince1970: 1_764_600_000))

    @Test("a subject with line breaks and non-ASCII text becomes encoded words and forges no header")
    func subject() {
        let text = Self.mail.rendered()
        let headers = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(!headers.contains("\r\nBcc:"))
        #expect(headers.contains("Subject: =?UTF-8?B?"))
        let words = headers.components(separatedBy: "=?UTF-8?B?").dropFirst().map { String($0.prefix { $0 != "?" }) }
        let decoded = words.compactMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(decoded == "Überfällig: SO-1Bcc: eve@example.com")
    }

    @Test("both alternatives are base64 in lines of at most 76, with the message id and an RFC 5322 date")
    func bodies() {
        let text = Self.mail.rendered()
        #expect(text.contains("Message-ID: <OBX-1@clearway>"))
        #expect(text.contains("Date: Mon, 01 Dec 2025 14:40:00 +0000"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8") && text.contains("Content-Type: text/html; charset=utf-8"))
        #expect(text.contains(Data("Lieferung zu spät\n".utf8).base64EncodedString()))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(text.hasSuffix("--\r\n"))
    }
}
