/// Builds the 997 for received functional groups: AK1 per group, AK2 and AK5 per
/// transaction set with AK3/AK4 detail for each segment and element in error, and AK9
/// with the group's verdict: A (accepted), P (partly: some sets rejected), R (rejected).
public enum FunctionalAcknowledgment {
    public struct Verdict: Sendable, Hashable {
        /// AK901.
        public var code: String
        public var received: Int
        public var accepted: Int
    }

    /// The 997 body (AK1 … AK9) for one group, given every problem found in the document.
    public static func body(for group: X12Group, problems: [X12Problem]) -> ([X12Segment], Verdict) {
        let groupEnd = (group.transactions.last.map { $0.position + $0.body.count + 1 } ?? group.gs.position) + 1
        var segments = [X12Segment("AK1", [group.functionalId, group.controlNumber])]
        var accepted = 0
        for t in group.transactions {
            let end = t.position + t.body.count + 1
            let own = problems.filter { $0.position >= t.position && $0.position <= end }
            segments.append(X12Segment("AK2", [t.code, t.controlNumber]))
            var setCodes: [String] = []
            for (position, inSegment) in Dictionary(grouping: own.filter { $0.level == .element || $0.level == .segment }, by: \.position).sorted(by: { $0.key < $1.key }) {
                let first = inSegment[0]
                segments.append(X12Segment("AK3", [first.segmentId, String(position - t.position + 1), "", first.level == .segment ? first.code ?? "8" : "8"]))
                for p in inSegment where p.level == .element {
                    segments.append(X12Segment("AK4", [p.element.map(String.init) ?? "", "", p.code ?? "7"]))
                }
            }
            setCodes += own.filter { $0.level == .transaction }.compactMap(\.code)
            if !own.isEmpty && setCodes.isEmpty { setCodes.append("5") }
            if own.isEmpty { accepted += 1 }
            segments.append(X12Segment("AK5", [own.isEmpty ? "A" : "R"] + Array(setCodes.prefix(5))))
        }
        let groupProblems = problems.filter { ($0.level == .group) && ($0.position == group.gs.position || $0.position == groupEnd) }
        let received = group.transactions.count
        let code = !groupProblems.isEmpty || (accepted == 0 && received > 0) ? "R" : accepted == received ? "A" : "P"
        segments.append(X12Segment("AK9", [code, String(received), String(received), String(accepted)] + groupProblems.compactMap(\.code).prefix(5)))
        return (segments, Verdict(code: code, received: received, accepted: accepted))
    }
}
