import Foundation
import Testing

/// The HTTP layer talks to the engine only. The compiler enforces it for members
/// (MemberImportVisibility on the target); this keeps anyone from importing the store back.
@Suite("Layering")
struct LayeringTests {
    @Test("no file of the HTTP layer imports the store")
    func httpDoesNotImportTheStore() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Sources/ClearwayHTTP")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20, "the HTTP sources are found")
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let imports = text.split(separator: "\n").filter { $0.contains("import ClearwayStore") }
            #expect(imports.isEmpty, "\(file) imports the store")
        }
    }
}
