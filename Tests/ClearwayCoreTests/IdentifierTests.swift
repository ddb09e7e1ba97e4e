@testable import ClearwayCore
import Testing

@Suite struct IdentifierTests {
    @Test("random ids are the prefix, a dash and twelve Crockford base32 characters, and do not repeat")
    func randomIds() {
        let ids = RandomIdentifiers()
        let made = (0..<10_000).map { _ in ids.next("CASE") }
        let allowed = Set(RandomIdentifiers.alphabet)
        for id in made {
            #expect(id.hasPrefix("CASE-") && id.count == 17)
            #expect(id.dropFirst(5).allSatisfy(allowed.contains), "\(id)")
        }
        #expect(Set(made).count == made.count)
        // Every character position takes many values (no position is stuck).
        for position in 5..<17 {
            let values = Set(made.map { Array($0)[position] })
            #expect(values.count == 32, "position \(position): \(values.count) values")
        }
    }
}
