import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// Where Clearway's mail goes: an SMTP relay, with STARTTLS and authentication.
public struct MailServer: Sendable, Hashable {
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// STARTTLS must succeed before anything else is sent (the default off loopback).
        case required
        /// STARTTLS when the server offers it (the default for a server on loopback).
        case optional
        /// Never encrypt (a local mail catcher).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The sender address of every mail.
    public var from: String
    /// Extra certificate authorities (PEM file) trusted for STARTTLS.
    public var caFile: String?
    public var timeoutSeconds: Double

    public init(host: String, port: Int = 587, security: Security? = nil, username: String? = nil, password: String? = nil,
                from: String, caFile: String? = nil, timeoutSeconds: Double = 30) {
        self.host = host; self.port = port; self.username = username; self.password = password; self.from = from
        self.caFile = caFile; self.timeoutSeconds = timeoutSeconds
        self.security = security ?? (Self.isLoopback(host) ? .optional : .required)
    }

    public static func isLoopback(_ host: String) -> Bool {
        ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
    }
}

/// What the server said about one mail.
public enum MailOutcome: Sendable, Hashable {
    case sent(String)
    /// A permanent refusal (5xx): sending again would not help.
    case rejected(String)
    /// A temporary failure (4xx, no connection, a timeout): try again later.
    case failed(String)
}

/// Sends one mail per connection over SMTP (RFC 5321) with STARTTLS (RFC 3207) and
/// AUTH PLAIN or LOGIN (RFC 4954). Credentials are only sent over TLS or to loopback.
public struct SMTPClient: Sendable {
    public let server: MailServer

    public init(server: MailServer) { self.server = server }

    public func send(_ mail: MIMEMail) async -> MailOutcome {
        let timeout = server.timeoutSeconds
        do {
            return try await withThrowingTaskGroup(of: MailOutcome.self) { group in
                group.addTask { try await self.converse(mail) }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return .failed("the mail server did not finish within \(Int(timeout)) s")
                }
                let first = try await group.next() ?? .failed("no answer")
                group.cancelAll()
                return first
            }
        } catch let reply as SMTPReplyError {
            return reply.code >= 500 ? .rejected(reply.description) : .failed(reply.description)
        } catch {
            return .failed("the mail server \(server.host):\(server.port) could not be reached: \(error)")
        }
    }

    func converse(_ mail: MIMEMail) async throws -> MailOutcome {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(max(1, server.timeoutSeconds))))
            .connect(host: server.host, port: server.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var session = SMTPSession(lines: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.expect(220)
            var features = try await session.command("EHLO \(Self.heloName)", expect: 250)
            var secure = false
            if server.security != .none, features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                try await session.command("STARTTLS", expect: 220)
                try await channel.channel.pipeline.addHandler(try tlsHandler(), position: .first).get()
                secure = true
                features = try await session.command("EHLO \(Self.heloName)", expect: 250)
            } else if server.security == .required {
                throw SMTPReplyError(code: 530, text: "\(server.host) does not offer STARTTLS and the mail server settings require it")
            }
            if let user = server.username {
                guard secure || MailServer.isLoopback(server.host) else {
                    throw SMTPReplyError(code: 530, text: "credentials are only sent over TLS")
                }
                try await authenticate(&session, user: user, password: server.password ?? "", features: features)
            }
            try await session.command("MAIL FROM:<\(server.from)>", expect: 250)
            for rcpt in mail.to { try await session.command("RCPT TO:<\(rcpt)>", expect: 250, 251) }
            try await session.command("DATA", expect: 354)
            let done = try await session.data(mail.rendered())
            try? await session.command("QUIT", expect: 221)
            return .sent(done)
        }
    }

    func authenticate(_ session: inout SMTPSession, user: String, password: String, features: [String]) async throws {
        let auth = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ") ?? []
        if auth.contains("PLAIN") || !auth.contains("LOGIN") {
            let token = Data("\u{0}\(user)\u{0}\(password)".utf8).base64EncodedString()
            try await session.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN")
        } else {
            try await session.command("AUTH LOGIN", expect: 334)
            try await session.command(Data(user.utf8).base64EncodedString(), expect: 334, redacted: "the username")
            try await session.command(Data(password.utf8).base64EncodedString(), expect: 235, redacted: "the password")
        }
    }

    func tlsHandler() throws -> NIOSSLClientHandler {
        var config = TLSConfiguration.makeClientConfiguration()
        if let ca = server.caFile { config.additionalTrustRoots = [.file(ca)] }
        let bare = server.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let isAddress = bare.contains(":") || bare.allSatisfy { $0.isNumber || $0 == "." }
        return try NIOSSLClientHandler(context: try NIOSSLContext(configuration: config), serverHostname: isAddress ? nil : bare)
    }

    static var heloName: String {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains(" ") ? "clearway.localdomain" : name
    }
}

/// A reply the dialogue did not expect.
struct SMTPReplyError: Error, CustomStringConvertible {
    var code: Int
    var text: String
    var description: String { "\(code) \(text)" }
}

/// One SMTP conversation: commands out, multi-line replies in.
struct SMTPSession {
    var lines: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Reads one reply (all its lines); returns its code and the text of each line.
    mutating func reply() async throws -> (Int, [String]) {
        var texts: [String] = []
        while true {
            guard let buffer = try await lines.next() else { throw SMTPReplyError(code: 421, text: "the mail server closed the connection") }
            let line = String(buffer: buffer)
            guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPReplyError(code: 421, text: "the mail server answered something that is not SMTP: \(line.prefix(80))")
            }
            texts.append(String(line.dropFirst(4)))
            if line.utf8.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { return (code, texts) }
            if texts.count > 200 { throw SMTPReplyError(code: 421, text: "the mail server's reply has no end") }
        }
    }

    @discardableResult
    mutating func expect(_ codes: Int...) async throws -> [String] {
        let (code, texts) = try await reply()
        guard codes.contains(code) else { throw SMTPReplyError(code: code, text: texts.joined(separator: " ")) }
        return texts
    }

    @discardableResult
    mutating func command(_ line: String, expect codes: Int..., redacted: String? = nil) async throws -> [String] {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        let (code, texts) = try await reply()
        guard codes.contains(code) else {
            let said = redacted ?? String(line.prefix(40))
            throw SMTPReplyError(code: code, text: "\(texts.joined(separator: " ")) (after \(said))")
        }
        return texts
    }

    /// Sends the message body, dot-stuffed, and the end mark; returns the server's answer.
    mutating func data(_ message: String) async throws -> String {
        var body = ""
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            let bare = line.hasSuffix("\r") ? line.dropLast() : line
            body += (bare.hasPrefix(".") ? "." : "") + bare + "\r\n"
        }
        try await outbound.write(ByteBuffer(string: body + ".\r\n"))
        return try await expect(250).joined(separator: " ")
    }
}
