/// An amount of money in the order's currency, kept in ten-thousandths so contract prices
/// like 10.4025 compare exactly and sums never drift the way binary floating point does.
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var tenThousandths: Int64

    public init(tenThousandths: Int64) { self.tenThousandths = tenThousandths }
    public init(_ value: Double) { tenThousandths = Int64((value * 10_000).rounded()) }

    public static let zero = Money(tenThousandths: 0)
    public var doubleValue: Double { Double(tenThousandths) / 10_000 }

    public static func < (a: Money, b: Money) -> Bool { a.tenThousandths < b.tenThousandths }
    public static func + (a: Money, b: Money) -> Money { Money(tenThousandths: a.tenThousandths + b.tenThousandths) }
    public static func - (a: Money, b: Money) -> Money { Money(tenThousandths: a.tenThousandths - b.tenThousandths) }
    public static func * (a: Money, q: Double) -> Money { Money(tenThousandths: Int64((Double(a.tenThousandths) * q).rounded())) }

    /// Two decimals, as people read prices; more when the amount needs them.
    public var description: String {
        let cents = tenThousandths % 100 == 0
        let v = doubleValue
        return cents ? String(format: "%.2f", v) : String(format: "%.4f", v)
    }

    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(Double.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(doubleValue)
    }
}

import Foundation
