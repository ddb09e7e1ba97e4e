/// One problem in a policy file, at the line and column where it is.
public struct PolicyIssue: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line; self.column = column; self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Thrown when a policy does not load; carries every issue found, each with its line.
public struct PolicyRejected: Error, Sendable, CustomStringConvertible {
    public var issues: [PolicyIssue]
    public init(_ issues: [PolicyIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
