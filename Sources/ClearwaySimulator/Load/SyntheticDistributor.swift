import ClearwayCore
import Foundation

/// A seeded distributor for load work: customers, products, contracts, stock and lanes as
/// reference events, then a stream of orders where about `exceptionRate` of them carry one
/// planted cause (price off contract, stock short, lane full, unknown SKU). Everything it
/// produces is a CloudEvent as a source system would send it.
public struct SyntheticDistributor: Sendable {
    public var customers = 200
    public var products = 500
    public var sites = ["DC-CHI", "DC-EAST"]
    public var exceptionRate = 0.10
    /// Every customer's credit limit; lower it to make open orders run into it.
    public var creditLimit = 50_000_000.0
    public let seed: UInt64
    public var start = LocalDate(year: 2026, month: 11, day: 23)

    public init(seed: UInt64 = 42) { self.seed = seed }

    static let families = ["fasteners", "electrical", "plumbing", "safety", "tools"]
    static let fullLane = "CHI-DET"

    /// A few items kept nearly out of stock; planted shortages order them.
    static let scarceItems = 10

    func price(sku: Int) -> Double { Double(10 + (sku * 37) % 190) + 0.5 }
    func skuName(_ i: Int) -> String { "SKU-\(10_000 + i)" }
    func customerName(_ i: Int) -> String { "C-\(1_000 + i)" }

    /// Reference data: everything the orders refer to, in dependency order.
    public func referenceEvents() -> [JSONValue] {
        var events: [JSONValue] = []
        for i in 0..<(products + Self.scarceItems) {
            let p = price(sku: i)
            events.append(Self.event("sim-pim", "product-\(i)", EventType.productUpserted, [
                "sku": .string(skuName(i)), "description": .string("Item \(i)"), "family": .string(Self.families[i % Self.families.count]),
                "unitsOfMeasure": .array([.string("EA"), .string("BX")]), "unitCost": .number(p * 0.6), "listPrice": .number(p),
            ]))
        }
        for i in 0..<customers {
            let tier = i % 10 == 0 ? "strategic" : i % 3 == 0 ? "key" : "standard"
            events.append(Self.event("sim-crm", "customer-\(i)", EventType.customerUpserted, [
                "customerId": .string(customerName(i)), "name": .string("Customer \(i)"), "tier": .string(tier),
                "segment": .string(["industrial", "construction", "utilities", "oem"][i % 4]),
                "creditLimit": .number(creditLimit), "creditExposure": .number(0), "paymentTerms": .string("NET30"),
                "taxId": .string("TX-\(i)"), "shipTo": .string("Dock \(i)"),
            ]))
            for j in 0..<5 {
                let sku = (i * 7 + j * 13) % products
                events.append(Self.event("sim-erp", "contract-\(i)-\(j)", EventType.contractUpserted, [
                    "customerId": .string(customerName(i)), "sku": .string(skuName(sku)), "price": .number(price(sku: sku)),
                    "tolerancePercent": .number(2),
                ]))
            }
        }
        for site in sites {
            var positions: [JSONValue] = []
            for i in 0..<(products + Self.scarceItems) {
                let onHand = i >= products ? 5.0 : 100_000
                positions.append(.object(["sku": .string(skuName(i)), "erpOnHand": .number(onHand), "wmsOnHand": .number(onHand)]))
                if positions.count == 250 || i == products + Self.scarceItems - 1 {
                    events.append(Self.event("sim-wms", "stock-\(site)-\(i)", EventType.inventorySnapshot, ["site": .string(site), "positions": .array(positions)]))
                    positions = []
                }
            }
        }
        for day in 0..<60 {
            let date = start.adding(days: day).description
            events.append(Self.event("sim-tms", "cap-open-\(day)", EventType.carrierCapacity, [
                "carrier": .string("FASTFREIGHT"), "lane": .string("CHI-MSP"), "shipDate": .string(date), "capacity": .number(1_000_000), "booked": .number(0),
            ]))
            events.append(Self.event("sim-tms", "cap-full-\(day)", EventType.carrierCapacity, [
                "carrier": .string("FASTFREIGHT"), "lane": .string(Self.fullLane), "shipDate": .string(date), "capacity": .number(40), "booked": .number(40),
            ]))
        }
        return events
    }

    /// Order `n` of the stream (deterministic for a given seed and n).
    public func order(_ n: Int) -> JSONValue {
        var rng = SeededRandom(seed: seed &+ UInt64(n) &* 0x2545_F491_4F6C_DD1D)
        let customer = rng.int(0...(customers - 1))
        let lineCount = rng.int(1...4)
        let planted = rng.chance(exceptionRate) ? rng.int(0...3) : -1
        var lines: [JSONValue] = []
        for l in 0..<lineCount {
            // Contract SKUs keep prices honest; planted causes touch line 1 only.
            let skuIndex = (customer * 7 + (l % 5) * 13) % products
            var unitPrice = price(sku: skuIndex)
            var quantity = Double(rng.int(1...20))
            var sku = skuName(skuIndex)
            if l == 0 {
                switch planted {
                case 0: unitPrice *= 1.06
                case 1:
                    let scarce = products + n % Self.scarceItems
                    sku = skuName(scarce)
                    unitPrice = price(sku: scarce)
                    quantity = 50
                case 3: sku = "SKU-UNLISTED-\(n % 97)"
                default: break
                }
            }
            lines.append(.object(["lineNumber": .number(Double(l + 1)), "sku": .string(sku), "quantity": .number(quantity),
                                  "unitOfMeasure": .string("EA"), "unitPrice": .number(unitPrice)]))
        }
        let ship = start.adding(days: 1 + n % 30).description
        return Self.event("sim-erp", "order-\(n)", EventType.orderCreated, [
            "orderId": .string("SO-\(100_000 + n)"), "customerId": .string(customerName(customer)), "site": .string(sites[n % sites.count]),
            "channel": .string(["edi", "portal", "sales"][n % 3]), "status": .string("open"), "orderDate": .string(start.description),
            "requestedShipDate": .string(ship), "lane": .string(planted == 2 ? Self.fullLane : "CHI-MSP"), "currency": .string("USD"),
            "lines": .array(lines),
        ])
    }

    /// A CloudEvent as a source system would send it, stamped with `time` when given.
    public static func event(_ source: String, _ id: String, _ type: EventType, _ data: [String: JSONValue], time: Instant? = nil) -> JSONValue {
        var envelope: [String: JSONValue] = ["specversion": .string("1.0"), "id": .string(id), "source": .string(source), "type": .string(type.rawValue),
                                             "datacontenttype": .string("application/json"), "data": .object(data)]
        if let time { envelope["time"] = .string(time.iso8601) }
        return .object(envelope)
    }
}
