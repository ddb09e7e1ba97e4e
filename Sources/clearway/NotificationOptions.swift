import ArgumentParser
import ClearwayCore
import ClearwayEngine
import ClearwayIntegration
import Foundation

/// Where notifications leave the console: the mail server and the console's public address.
struct NotificationOptions: ParsableArguments {
    @Option(help: "Mail server for notifications: smtp://[USER@]HOST[:PORT] (default port 587; also $CLEARWAY_SMTP_URL; the password comes from $CLEARWAY_SMTP_PASSWORD). None: no e-mail.")
    var smtp: String?
    @Option(help: "STARTTLS with the mail server: required (the default, except on loopback), optional, none.")
    var smtpTls: String?
    @Option(help: "A PEM file of certificate authorities trusted for the mail server's STARTTLS beside the system's.")
    var smtpCaFile: String?
    @Option(help: "Sender address of notification mail (also $CLEARWAY_MAIL_FROM).")
    var mailFrom: String?
    @Option(help: "The console's address as people reach it, for the links in notifications (also $CLEARWAY_PUBLIC_URL).")
    var publicUrl: String?

    func channels(defaultPublicURL: String? = nil) throws -> NotificationChannels {
        let env = ProcessInfo.processInfo.environment
        let publicURL = publicUrl ?? env["CLEARWAY_PUBLIC_URL"] ?? defaultPublicURL
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) || URL(string: publicURL)?.host == nil {
            throw CLIError.badInput("--public-url must be an http:// or https:// address with a host, found \(publicURL)")
        }
        guard let text = smtp ?? env["CLEARWAY_SMTP_URL"], !text.isEmpty else {
            if smtpTls != nil || smtpCaFile != nil { throw CLIError.badInput("--smtp-tls and --smtp-ca-file need --smtp") }
            return NotificationChannels(mail: nil, publicURL: publicURL)
        }
        return NotificationChannels(mail: try Self.server(text, tls: smtpTls, caFile: smtpCaFile, from: mailFrom ?? env["CLEARWAY_MAIL_FROM"],
                                                          password: env["CLEARWAY_SMTP_PASSWORD"]), publicURL: publicURL)
    }

    static func server(_ text: String, tls: String?, caFile: String?, from: String?, password: String?) throws -> MailServer {
        guard let url = URLComponents(string: text), url.scheme?.lowercased() == "smtp", let host = url.host, !host.isEmpty,
              (url.path.isEmpty || url.path == "/"), url.query == nil else {
            throw CLIError.badInput("--smtp must look like smtp://[USER@]HOST[:PORT], found \(RedactedURL.text(text))")
        }
        if url.password != nil { throw CLIError.badInput("--smtp must not hold a password: give it in $CLEARWAY_SMTP_PASSWORD") }
        let security: MailServer.Security?
        if let tls {
            guard let chosen = MailServer.Security(rawValue: tls) else { throw CLIError.badInput("--smtp-tls must be required, optional or none, found \(tls)") }
            security = chosen
        } else { security = nil }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { throw CLIError.badInput("--smtp-ca-file \(caFile) cannot be read") }
        let sender = from ?? "clearway@\(host)"
        if let problem = NotificationPreferences.emailProblem(sender) { throw CLIError.badInput("--mail-from \(problem)") }
        if url.user != nil && password == nil { throw CLIError.badInput("--smtp names a user: give the password in $CLEARWAY_SMTP_PASSWORD") }
        return MailServer(host: host, port: url.port ?? 587, security: security, username: url.user?.removingPercentEncoding,
                          password: password, from: sender, caFile: caFile)
    }
}
