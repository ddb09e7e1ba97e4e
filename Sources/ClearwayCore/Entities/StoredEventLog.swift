import Foundation

/// An external event log imported for analysis (its document is OCEL 2.0 JSON).
public struct StoredEventLog: Sendable, Hashable {
    public var id: String
    public var name: String
    public var importedAt: Instant
    public var importedBy: String
    public var events: Int
    public var objects: Int
    public var objectTypes: [String]

    public init(id: String, name: String, importedAt: Instant, importedBy: String, events: Int, objects: Int, objectTypes: [String]) {
        self.id = id; self.name = name; self.importedAt = importedAt; self.importedBy = importedBy
        self.events = events; self.objects = objects; self.objectTypes = objectTypes
    }
}
