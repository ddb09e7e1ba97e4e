import ArgumentParser
import ClearwayCore
import Foundation

/// Sign-in through an OpenID Connect provider. Each option also reads an environment
/// variable; the client secret is read from the environment only, never from the command line.
struct SingleSignOnOptions: ParsableArguments {
    @Option(help: "The identity provider's issuer URL (also $CLEARWAY_OIDC_ISSUER); turns single sign-on on.")
    var oidcIssuer: String?
    @Option(help: "Clearway's client id at the provider (also $CLEARWAY_OIDC_CLIENT_ID); the secret comes from $CLEARWAY_OIDC_CLIENT_SECRET.")
    var oidcClientId: String?
    @Option(help: "The claim naming a person's groups or roles, dotted when nested (also $CLEARWAY_OIDC_ROLE_CLAIM; default groups).")
    var oidcRoleClaim: String?
    @Option(help: "Claim values to Clearway roles: group=role,group=role (also $CLEARWAY_OIDC_ROLES).")
    var oidcRoles: String?
    @Option(help: "Audience of the provider's access tokens the API takes instead of API keys (also $CLEARWAY_OIDC_API_AUDIENCE).")
    var oidcApiAudience: String?
    @Option(help: "Scopes of such tokens to roles: scope=role,… (also $CLEARWAY_OIDC_API_ROLES; the claim is $CLEARWAY_OIDC_API_ROLE_CLAIM, default scope).")
    var oidcApiRoles: String?
    @Option(help: "on or off: whether people may still sign in with a Clearway password beside single sign-on (also $CLEARWAY_LOCAL_PASSWORDS).")
    var localPasswords: String?

    /// The settings, or nil when no issuer is given. `publicURL` is where people reach the
    /// console; the provider sends them back to its `/console/sso/callback`.
    func settings(publicURL: String?, environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> SingleSignOnSettings? {
        let passwords = (localPasswords ?? env["CLEARWAY_LOCAL_PASSWORDS"] ?? "on").lowercased()
        guard ["on", "off"].contains(passwords) else { throw CLIError.badInput("--local-passwords must be on or off, found \(passwords)") }
        guard let issuer = oidcIssuer ?? env["CLEARWAY_OIDC_ISSUER"], !issuer.isEmpty else {
            if passwords == "off" { throw CLIError.badInput("--local-passwords off needs single sign-on (--oidc-issuer): nobody could sign in") }
            return nil
        }
        guard let url = URL(string: issuer), ["https", "http"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw CLIError.badInput("--oidc-issuer must be an https:// URL, found \(issuer)")
        }
        guard let clientId = oidcClientId ?? env["CLEARWAY_OIDC_CLIENT_ID"], !clientId.isEmpty else {
            throw CLIError.badInput("single sign-on needs --oidc-client-id (Clearway's client id at the provider)")
        }
        guard let publicURL else {
            throw CLIError.badInput("single sign-on needs --public-url (the console's address as people reach it) for the provider to send them back")
        }
        let roles: [String: Role], apiRoles: [String: Role]
        do {
            roles = try SingleSignOnSettings.roleMapping(oidcRoles ?? env["CLEARWAY_OIDC_ROLES"] ?? "", option: "--oidc-roles")
            apiRoles = try SingleSignOnSettings.roleMapping(oidcApiRoles ?? env["CLEARWAY_OIDC_API_ROLES"] ?? "", option: "--oidc-api-roles")
        } catch {
            throw CLIError.badInput(error.problems.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; "))
        }
        guard !roles.isEmpty else { throw CLIError.badInput("single sign-on needs --oidc-roles: which group or role at the provider is which Clearway role") }
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return SingleSignOnSettings(issuer: issuer, clientId: clientId, redirectURI: base + "/console/sso/callback",
                                    clientSecret: env["CLEARWAY_OIDC_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 },
                                    roleClaim: oidcRoleClaim ?? env["CLEARWAY_OIDC_ROLE_CLAIM"] ?? "groups", roles: roles,
                                    localPasswords: passwords == "on", apiAudience: oidcApiAudience ?? env["CLEARWAY_OIDC_API_AUDIENCE"],
                                    apiRoleClaim: env["CLEARWAY_OIDC_API_ROLE_CLAIM"] ?? "scope", apiRoles: apiRoles)
    }
}
