import Yams

/// How one trading partner's EDI maps to Clearway's model.
public struct EDIPartner: Sendable, Hashable {
    /// The partner's interchange id as `QUALIFIER:ID` (ISA05:ISA06 of what it sends).
    public var interchangeId: String
    public var customerId: String
    /// The DC its orders are filled from.
    public var site: String
    /// PO1 product id qualifiers that carry the distributor's SKU, in order of preference
    /// (VP vendor part, BP buyer part, UP UPC, IN buyer item …).
    public var productIdQualifiers: [String]
    /// The partner's units of measure → the distributor's (e.g. CA → CS).
    public var unitsOfMeasure: [String: String]
    /// Send the 855 as soon as the order is in (true) or when its case is resolved (false).
    public var acknowledgeImmediately: Bool

    public init(interchangeId: String, customerId: String, site: String, productIdQualifiers: [String] = ["VP", "BP", "IN", "UP"],
                unitsOfMeasure: [String: String] = [:], acknowledgeImmediately: Bool = false) {
        self.interchangeId = interchangeId; self.customerId = customerId; self.site = site
        self.productIdQualifiers = productIdQualifiers; self.unitsOfMeasure = unitsOfMeasure; self.acknowledgeImmediately = acknowledgeImmediately
    }
}

/// The EDI section of a policy: Clearway's own interchange id and its partners.
public struct EDISettings: Sendable, Hashable {
    /// Clearway's ISA qualifier and id on what it sends (997, 855).
    public var interchangeId: String
    public var partners: [String: EDIPartner]

    public init(interchangeId: String = "ZZ:CLEARWAY", partners: [String: EDIPartner] = [:]) {
        self.interchangeId = interchangeId; self.partners = partners
    }

    public func partner(qualifier: String, id: String) -> EDIPartner? {
        partners["\(qualifier.trimmingCharacters(in: .whitespaces)):\(id.trimmingCharacters(in: .whitespaces))"]
    }
}

enum EDISection {
    static let keys: Set<String> = ["interchangeId", "partners"]
    static let partnerKeys: Set<String> = ["customerId", "site", "productIdQualifiers", "unitsOfMeasure", "acknowledge"]

    static func read(_ root: Node, _ r: YAMLNodeReader) -> EDISettings {
        var settings = EDISettings()
        guard let node = r.child(root, "edi") else { return settings }
        _ = r.mapping(node, "edi", allowed: keys)
        if let idNode = r.child(node, "interchangeId"), let id = r.string(idNode, "edi.interchangeId") {
            if validId(id) { settings.interchangeId = id } else { r.issue(idNode, "edi.interchangeId must look like ZZ:CLEARWAY (qualifier:id, id up to 15 characters)") }
        }
        for (key, keyNode, p) in r.mapping(r.child(node, "partners"), "edi.partners") {
            guard validId(key) else { r.issue(keyNode, "edi.partners: '\(key)' must look like ZZ:ACMEBUYER (ISA qualifier:id)"); continue }
            _ = r.mapping(p, "edi.partners.\(key)", allowed: partnerKeys)
            guard let customer = r.string(r.child(p, "customerId"), "\(key).customerId"), let site = r.string(r.child(p, "site"), "\(key).site") else {
                r.issue(p, "edi.partners.\(key) needs customerId and site")
                continue
            }
            var partner = EDIPartner(interchangeId: key, customerId: customer, site: site)
            let qualifiers = r.sequence(r.child(p, "productIdQualifiers"), "\(key).productIdQualifiers").compactMap { r.string($0, "qualifier") }
            if !qualifiers.isEmpty { partner.productIdQualifiers = qualifiers }
            for (theirs, _, ours) in r.mapping(r.child(p, "unitsOfMeasure"), "\(key).unitsOfMeasure") {
                if let u = r.string(ours, "\(key).unitsOfMeasure.\(theirs)") { partner.unitsOfMeasure[theirs] = u }
            }
            if let ack = r.child(p, "acknowledge"), let mode = r.string(ack, "\(key).acknowledge") {
                switch mode {
                case "immediately": partner.acknowledgeImmediately = true
                case "on_resolution": partner.acknowledgeImmediately = false
                default: r.issue(ack, "\(key).acknowledge must be immediately or on_resolution, found '\(mode)'")
                }
            }
            settings.partners[key] = partner
        }
        return settings
    }

    static func validId(_ s: String) -> Bool {
        let parts = s.split(separator: ":", maxSplits: 1)
        return parts.count == 2 && parts[0].count == 2 && (1...15).contains(parts[1].count)
    }
}
