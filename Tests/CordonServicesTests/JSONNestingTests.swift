import CordonServices
import Foundation
import Testing

/// The nesting check that stands before Foundation's `JSONDecoder`, which traps on some
/// texts nested 513 deep.
@Suite struct JSONNestingTests {
    @Test func countsArraysAndObjectsButNotBracketsInStrings() throws {
        try JSONNesting.check(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8))
        #expect(throws: JSONNestingError(limit: 64)) { try JSONNesting.check(Array(String(repeating: "[", count: 65).utf8)) }
        #expect(throws: JSONNestingError(limit: 3)) { try JSONNesting.check(Array(#"{"a":[{"b":[1]}]}"#.utf8), limit: 3) }
        // Brackets inside strings, escaped quotes and backslashes included, are text.
        let quoted = #"{"a":"[[[[\"[[[[\\","b":["{{{{"]}"#
        try JSONNesting.check(Array(quoted.utf8), limit: 2)
        #expect(throws: JSONNestingError.self) { try JSONNesting.check(Array(#"{"a":"\\"[[["#.utf8), limit: 2) }
        // Closing more than was opened does not buy depth.
        #expect(throws: JSONNestingError.self) { try JSONNesting.check(Array(("]]]]" + String(repeating: "[", count: 3)).utf8), limit: 2) }
    }

    /// Without the check this test ends the whole test process (Foundation traps).
    @Test func theDecoderIsNeverHandedWhatWouldCrashIt() {
        for depth in [513, 514, 600] {
            let text = Data(String(repeating: "[", count: depth).utf8)
            #expect(throws: JSONNestingError.self) { _ = try JSONDecoder().decode([String].self, fromUntrusted: text) }
        }
        #expect((try? JSONDecoder().decode([[Int]].self, fromUntrusted: Data("[[1,2],[3]]".utf8))) == [[1, 2], [3]])
    }
}
