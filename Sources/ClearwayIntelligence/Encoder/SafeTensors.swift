import Foundation

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's type, shape and byte range, then the data. Only what the encoder needs is read:
/// little-endian 32-bit float tensors, whole.
public struct SafeTensors: Sendable {
    public struct Entry: Sendable, Hashable {
        public var dtype: String
        public var shape: [Int]
        public var range: Range<Int>
    }

    public enum ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        case damaged(String)
        case missing(String)
        case wrongShape(String, expected: [Int], found: [Int])

        public var description: String {
            switch self {
            case .damaged(let why): "the weights file is damaged: \(why)"
            case .missing(let name): "the weights file has no tensor \(name)"
            case .wrongShape(let name, let expected, let found): "the tensor \(name) has shape \(found), not \(expected)"
            }
        }
    }

    public let entries: [String: Entry]
    let data: Data
    let dataStart: Int

    public init(_ data: Data) throws(ReadError) {
        guard data.count >= 8 else { throw .damaged("it is shorter than its header") }
        var length = 0
        for i in (0..<8).reversed() { length = length << 8 | Int(data[data.startIndex + i]) }
        guard length > 1, length <= data.count - 8 else { throw .damaged("the header length \(length) does not fit the file") }
        let header = data[(data.startIndex + 8)..<(data.startIndex + 8 + length)]
        guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw .damaged("the header is not a JSON object")
        }
        let payload = data.count - 8 - length
        var entries: [String: Entry] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= payload else {
                throw .damaged("the entry for \(name) is malformed")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries; self.data = data; dataStart = data.startIndex + 8 + length
    }

    /// The float tensor `name`, which must have `shape`.
    public func floats(_ name: String, shape: [Int]) throws(ReadError) -> [Float] {
        guard let entry = entries[name] else { throw .missing(name) }
        guard entry.shape == shape else { throw .wrongShape(name, expected: shape, found: entry.shape) }
        let count = shape.reduce(1, *)
        guard entry.dtype == "F32", entry.range.count == 4 * count else { throw .damaged("\(name) is not \(count) 32-bit floats") }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                let from = dataStart - data.startIndex + entry.range.lowerBound
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from..<(from + 4 * count)]))
            }
        }
        #if _endian(big)
        for i in out.indices { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
        #endif
        return out
    }
}
