import ClearwayCore

/// Something the source systems will do at a moment of simulated time.
enum Happening: Sendable {
    /// Send this CloudEvent.
    case send(JSONValue)
    /// The WMS confirms the pick of an order (may substitute or short-pick).
    case pick(orderId: String)
    /// The ERP ships the order if nothing holds it; otherwise tries again the next day.
    case ship(orderId: String, attempt: Int)
    /// The supplier's delivery arrives and the site is restocked.
    case restock(site: String, sku: String)
    /// Someone fixes the cause in the source system; the order no longer waits on it.
    case fix(orderId: String?, JSONValue)
}

/// A min-heap of happenings by time (ties keep the order they were added in).
struct Schedule {
    private var heap: [(at: Instant, seq: Int, what: Happening)] = []
    private var counter = 0

    var count: Int { heap.count }

    mutating func add(_ what: Happening, at: Instant) {
        counter += 1
        heap.append((at, counter, what))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard earlier(i, parent) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns everything due at or before `time`, earliest first.
    mutating func takeDue(_ time: Instant) -> [Happening] {
        var due: [Happening] = []
        while let first = heap.first, first.at <= time {
            due.append(first.what)
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, earlier(l, m) { m = l }
                if r < heap.count, earlier(r, m) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return due
    }

    private func earlier(_ a: Int, _ b: Int) -> Bool {
        heap[a].at < heap[b].at || (heap[a].at == heap[b].at && heap[a].seq < heap[b].seq)
    }
}
