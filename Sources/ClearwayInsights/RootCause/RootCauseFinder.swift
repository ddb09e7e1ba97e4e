import Foundation
import ClearwayCore

/// Finds where an exception type concentrates far above its baseline: a customer segment,
/// a product family, a site, a channel, a tier, or the end of the month. The baseline is how
/// all exceptions of the period spread over the same dimension, so a finding says "this type
/// is here much more than exceptions in general are", not merely "this place is busy".
public enum RootCauseFinder {
    public struct Settings: Sendable, Hashable {
        /// A type needs this many exceptions in the period to be analysed.
        public var minimumTypeCount = 20
        /// The concentration must hold at least this share of the type's volume…
        public var minimumShare = 0.25
        /// …be at least this many times the baseline share…
        public var minimumLift = 2.0
        /// …and be this many standard deviations above what the baseline predicts (binomial).
        public var minimumZ = 4.0
        /// Days at the end of a month that count as month-end.
        public var monthEndDays = 3

        public init() {}
    }

    public struct Finding: Sendable, Hashable, Codable {
        public var type: String
        public var dimension: String
        public var value: String
        /// Exceptions of the type with this value, and of the type in all.
        public var count: Int
        public var typeTotal: Int
        public var share: Double
        public var baselineShare: Double
        public var lift: Double
        /// Exceptions above what the baseline share would predict: the finding's weight.
        public var excess: Double
        /// The leading concentration of its type (others follow all leading ones).
        public var primary: Bool
        /// Other dimensions holding nearly the same exceptions ("site DC-CHI").
        public var alsoIn: [String]
        public var statement: String
        /// Where the cases are (console path with filters).
        public var link: String
    }

    /// Dimensions and how to read each fact's value; nil where a fact has none.
    static func dimensions(_ settings: Settings) -> [(name: String, value: (ExceptionFact) -> String?)] {
        [
            ("segment", { $0.segment }),
            ("product family", { $0.productFamily }),
            ("site", { $0.site }),
            ("channel", { $0.channel }),
            ("tier", { $0.tier }),
            ("time of month", { monthPhase($0.openedAt, lastDays: settings.monthEndDays) }),
        ]
    }

    public static func find(_ facts: [ExceptionFact], filter: FactFilter, settings: Settings = .init()) -> [Finding] {
        // Index the period's exceptions once: a type id per exception and, per dimension, a
        // value id (-1 where the exception has none), so counting is array arithmetic.
        let dims = dimensions(settings)
        var typeNames: [String] = [], typeIds: [String: Int32] = [:], typeOf: [Int32] = []
        var valueNames = [[String]](repeating: [], count: dims.count)
        var valueIndex = [[String: Int32]](repeating: [:], count: dims.count)
        var valueOf = [[Int32]](repeating: [], count: dims.count)
        facts.withUnsafeBufferPointer { all in
            for i in all.indices where filter.inPeriod(all[i].openedAt) && filter.matches(all[i]) {
                let t = all[i].type
                if let id = typeIds[t] { typeOf.append(id) } else {
                    typeIds[t] = Int32(typeNames.count); typeOf.append(Int32(typeNames.count)); typeNames.append(t)
                }
                for d in dims.indices {
                    guard let v = dims[d].value(all[i]) else { valueOf[d].append(-1); continue }
                    if let id = valueIndex[d][v] { valueOf[d].append(id) } else {
                        let id = Int32(valueNames[d].count)
                        valueIndex[d][v] = id; valueNames[d].append(v); valueOf[d].append(id)
                    }
                }
            }
        }
        var candidates: [Int32: [(finding: Finding, dimension: Int, value: Int32)]] = [:]
        for (d, (name, _)) in dims.enumerated() where valueNames[d].count > 1 {
            let width = valueNames[d].count
            var counts = [Int](repeating: 0, count: typeNames.count * width)
            for (k, v) in valueOf[d].enumerated() where v >= 0 { counts[Int(typeOf[k]) * width + Int(v)] += 1 }
            var all = [Int](repeating: 0, count: width)
            for t in typeNames.indices { for v in 0..<width { all[v] += counts[t * width + v] } }
            let allTotal = all.reduce(0, +)
            for t in typeNames.indices {
                let total = (0..<width).reduce(0) { $0 + counts[t * width + $1] }
                // Baseline: how the other types' exceptions spread over this dimension.
                let baselineTotal = allTotal - total
                guard total >= settings.minimumTypeCount, baselineTotal > 0 else { continue }
                for v in 0..<width where counts[t * width + v] > 0 {
                    let k = counts[t * width + v]
                    let p = max(Double(all[v] - k), 0.5) / Double(baselineTotal)
                    let share = Double(k) / Double(total)
                    let expected = Double(total) * p
                    let z = (Double(k) - expected) / max(1e-9, (expected * (1 - p)).squareRoot())
                    guard share >= settings.minimumShare, share / p >= settings.minimumLift, z >= settings.minimumZ else { continue }
                    let type = typeNames[t], value = valueNames[d][v]
                    let finding = Finding(type: type, dimension: name, value: value, count: k, typeTotal: total, share: share, baselineShare: p,
                                          lift: share / p, excess: Double(k) - expected, primary: true, alsoIn: [], statement: "",
                                          link: link(type: type, dimension: name, value: value))
                    candidates[Int32(t), default: []].append((finding, d, Int32(v)))
                }
            }
        }
        // Per type, the largest concentration leads; one that holds nearly the same
        // exceptions is the same cause seen from another side and joins it.
        var primaries: [Finding] = [], secondaries: [Finding] = []
        for (t, list) in candidates {
            let sorted = list.sorted { $0.finding.excess != $1.finding.excess ? $0.finding.excess > $1.finding.excess : $0.finding.dimension < $1.finding.dimension }
            guard let first = sorted.first else { continue }
            var lead = first.finding
            let members = typeOf.indices.filter { typeOf[$0] == t && valueOf[first.dimension][$0] == first.value }
            for other in sorted.dropFirst() {
                let overlap = members.filter { valueOf[other.dimension][$0] == other.value }.count
                if Double(overlap) >= 0.9 * Double(max(other.finding.count, lead.count)) {
                    lead.alsoIn.append(place(dimension: other.finding.dimension, value: other.finding.value))
                } else {
                    var secondary = other.finding
                    secondary.primary = false
                    secondary.statement = statement(secondary)
                    secondaries.append(secondary)
                }
            }
            lead.statement = statement(lead)
            primaries.append(lead)
        }
        let order = { (a: Finding, b: Finding) in a.excess != b.excess ? a.excess > b.excess : (a.type, a.dimension, a.value) < (b.type, b.dimension, b.value) }
        return primaries.sorted(by: order) + secondaries.sorted(by: order)
    }

    /// `month-end` for the last `lastDays` days of a month, else `rest of month`.
    static func monthPhase(_ ms: Int64, lastDays: Int) -> String {
        let date = LocalDate(dayNumber: Int(ms / 86_400_000))
        return date.day > LocalDate.daysIn(month: date.month, year: date.year) - lastDays ? "month-end" : "rest of month"
    }

    static func place(dimension: String, value: String) -> String {
        switch dimension {
        case "time of month": value == "month-end" ? "in the last days of the month" : "outside month-end"
        case "product family": "in product family \(value)"
        case "segment": "in the \(value) segment"
        default: "at \(dimension) \(value)"
        }
    }

    static func statement(_ f: Finding) -> String {
        let hint: String = switch (f.type.split(separator: ".").first ?? "", f.dimension) {
        case ("pricing", "segment"): " Review how contract prices for that segment reach order entry (contract governance)."
        case ("inventory", "product family"): " Check that family's cycle counts, forecast and supplier lead times."
        case ("credit", "time of month"): " Look at the month-end finance workflow: limits, payments and releases."
        case (_, "site"): " Look at that site's process and systems."
        case (_, "channel"): " Look at what that channel sends."
        default: ""
        }
        let also = f.alsoIn.isEmpty ? "" : " (nearly all of them also \(f.alsoIn.joined(separator: " and ")))"
        return "\(label(f.type)) exceptions concentrate \(place(dimension: f.dimension, value: f.value))\(also): \(f.count) of \(f.typeTotal) (\(percent(f.share))) "
            + "against \(percent(f.baselineShare)) of other exceptions, \(String(format: "%.1f", f.lift))× the baseline.\(hint)"
    }

    static func label(_ type: String) -> String {
        let words = type.replacingOccurrences(of: "_", with: " ").split(separator: ".")
        guard let family = words.first else { return type }
        return family.prefix(1).uppercased() + family.dropFirst() + (words.count > 1 ? " (\(words.dropFirst().joined(separator: " ")))" : "")
    }

    static func percent(_ p: Double) -> String { "\(Int((p * 100).rounded()))%" }

    static func link(type: String, dimension: String, value: String) -> String {
        var query = "type=\(type)"
        switch dimension {
        case "site": query += "&site=\(value)"
        case "tier": query += "&tier=\(value)"
        case "segment": query += "&segment=\(value)"
        case "product family": query += "&family=\(value)"
        default: break
        }
        return "/cases?" + query.replacingOccurrences(of: " ", with: "%20")
    }
}
