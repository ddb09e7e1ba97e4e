import ClearwayCore
import ClearwayStore

extension ClearwayEngine {
    /// The outbound documents (855s) a caller may read, newest first: people who read cases
    /// see every partner's; a partner's integration key sees only the partners it is bound
    /// to, and an integration key bound to none sees nothing until it is bound.
    public func ediOutbound(orderId: String?, by principal: Principal, limit: Int = 200) async throws -> [EDIOutbound] {
        if principal.role.allows(.readCases) {
            return try await queries.ediOutbound(orderId: orderId, partners: principal.partners, limit: limit)
        }
        try authorize(principal, .ingestEvents)
        guard let partners = principal.partners else {
            throw EngineError.forbidden("this key is bound to no EDI partner; create one with `clearway keys create --partners ISA05:ISA06` to read a partner's documents")
        }
        return try await queries.ediOutbound(orderId: orderId, partners: partners, limit: limit)
    }
}
