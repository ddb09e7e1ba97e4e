/// How many failed sign-ins are tolerated before Clearway stops checking passwords for a
/// while: per username (so one account cannot be guessed) and per client address (so one
/// client cannot spray a password over many usernames).
public struct SignInLimits: Sendable, Hashable {
    public var failuresPerUsername: Int
    public var failuresPerAddress: Int
    /// Seconds a failure counts for.
    public var window: Double

    public init(failuresPerUsername: Int = 5, failuresPerAddress: Int = 20, window: Double = 900) {
        self.failuresPerUsername = failuresPerUsername; self.failuresPerAddress = failuresPerAddress; self.window = window
    }

    public static let standard = SignInLimits()

    /// Whether an attempt is checked at all, given the failures already counted.
    public enum Admission: Sendable, Hashable {
        /// Checked; `locks` names what this attempt locks if its password is wrong.
        case admitted(locks: [Lock])
        /// Not checked: the username or the address has used up its failures.
        case refused(Lock)
    }

    public enum Lock: String, Sendable, Hashable { case username, address }

    public func admit(usernameFailures: Int, addressFailures: Int) -> Admission {
        if usernameFailures >= failuresPerUsername { return .refused(.username) }
        if addressFailures >= failuresPerAddress { return .refused(.address) }
        var locks: [Lock] = []
        if usernameFailures + 1 == failuresPerUsername { locks.append(.username) }
        if addressFailures + 1 == failuresPerAddress { locks.append(.address) }
        return .admitted(locks: locks)
    }
}

/// The least a secret must be before Clearway keeps it: a person's password, or a token
/// that becomes a permanent admin key. Says what is wrong, never the secret.
public enum SecretStrength {
    public static let minimumPasswordLength = 12
    public static let minimumTokenLength = 32

    /// Passwords people choose first; checked lower-cased, with and without trailing digits.
    static let common: Set<String> = [
        "password", "passw0rd", "password1234", "123456789012", "1234567890", "qwertyuiop", "qwertyuiopas", "qwerty123456",
        "iloveyou", "letmein", "welcome", "changeme", "administrator", "admin", "adminadmin", "admintoken", "clearway",
        "secret", "abcdefghijkl", "abc123abc123", "trustno1", "monkey", "dragon", "football", "baseball", "sunshine",
        "passwordpassword", "000000000000", "111111111111", "aaaaaaaaaaaa", "bootstrap", "bootstraptoken", "token",
    ]

    /// Why `password` is too weak to keep, or nil.
    public static func passwordProblem(_ password: String) -> String? {
        if password.count < minimumPasswordLength { return "a password needs at least \(minimumPasswordLength) characters" }
        return sharedProblem(password, what: "password")
    }

    /// Why `token` is too weak to become an API key, or nil.
    public static func tokenProblem(_ token: String) -> String? {
        if token.count < minimumTokenLength { return "a token needs at least \(minimumTokenLength) characters (use a generated one)" }
        if Set(token).count < 10 { return "a token needs at least 10 different characters (use a generated one)" }
        return sharedProblem(token, what: "token")
    }

    static func sharedProblem(_ secret: String, what: String) -> String? {
        let visible = secret.filter { !$0.isWhitespace }
        if Set(visible).count < 5 { return "a \(what) needs at least 5 different characters that are not spaces" }
        let lower = secret.lowercased()
        let stem = String(lower.reversed().drop(while: \.isNumber).reversed())
        if common.contains(lower) || common.contains(stem) {
            return "that \(what) is on the list of commonly used ones"
        }
        return nil
    }
}
