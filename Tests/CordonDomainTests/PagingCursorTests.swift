import CordonDomain
import Testing

/// Cursors a client sends back: only what the hub wrote is read (the fuzz target
/// `FuzzCursors` checks the same on arbitrary input).
struct PagingCursorTests {
    @Test func anEventCursorIsAWholeNumberAsTheHubWritesIt() {
        #expect(EventCursor.parse("0") == 0)
        #expect(EventCursor.parse("42") == 42)
        for text in ["", "+5", "05", " 5", "5 ", "-1", "1e3", "0x10", "1234567890123456789", "٣"] {
            #expect(EventCursor.parse(text) == nil, "\(text)")
        }
    }

    @Test func aReviewCursorReadsBackOnlyWhatItWrote() {
        for cursor in [ReviewCursor(priority: 3, id: 17), ReviewCursor(priority: 1012, id: 0), ReviewCursor(priority: 0, id: 5)] {
            #expect(ReviewCursor(cursor.text, byPriority: true) == cursor)
        }
        #expect(ReviewCursor("17", byPriority: false) == ReviewCursor(priority: nil, id: 17))
        // The queue's old reader dropped what was not a number: "1:x:2" read as priority 1, case 2.
        for text in ["1:x:2", "1::2", ":2", "2", "-0:2", "-2:5", "1:2:3", "+1:2"] {
            #expect(ReviewCursor(text, byPriority: true) == nil, "\(text)")
        }
        #expect(ReviewCursor("1:2", byPriority: false) == nil)
    }
}
