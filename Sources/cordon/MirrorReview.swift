import ArgumentParser
import Foundation
import NIOHTTP1

/// `cordon mirror review …`: the mirror's review queue from the shell.
struct MirrorReview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The mirror's review queue: list and show cases, decide (one or many), undo, read verdicts, repeat uploaders and statements of reasons.",
        subcommands: [List.self, Show.self, Decide.self, Undo.self, Verdicts.self, Accounts.self, Statements.self])

    /// `--mirror` and `--key`: the mirror's address and a key made by it.
    struct Options: ParsableArguments {
        @Option(help: "The mirror's address.")
        var mirror = "http://127.0.0.1:8090"

        @Option(help: "A key of the mirror (printed at its first start; default: $CORDON_KEY).")
        var key: String?

        func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws {
            print(try await HubAPI(base: mirror, key: try HubAPI.key(key, what: "a key of the mirror")).text(method, path, json: json))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Review cases, newest first or by priority (JSON).")
        @OptionGroup var options: Options
        @Option(help: "open, decided or closed (default: all).")
        var state: String?
        @Option(help: "newest, or priority (incident collections first, then severity and confidence).")
        var order = "newest"
        @Option(help: "The `next` of the previous page.")
        var cursor: String?
        @Option(help: "At most this many (1 to 1,000).")
        var limit = 100

        func run() async throws {
            var path = "/v1/review?limit=\(limit)&order=\(order)" + (state.map { "&state=\($0)" } ?? "")
            if let cursor { path += "&cursor=\(cursor)" }
            try await options.send(.GET, path)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One case with its upload and each matched signal (JSON).")
        @OptionGroup var options: Options
        @Argument(help: "The case id.")
        var id: Int

        func run() async throws { try await options.send(.GET, "/v1/review/\(id)") }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide open cases: remove, leave-up or escalate, with a reason; several at once, all or none.",
            discussion: "The platform hears of a decision once its undo window (60 s) has passed.")
        @OptionGroup var options: Options
        @Argument(help: "remove, leave-up or escalate.")
        var decision: String
        @Argument(help: "The case ids.")
        var ids: [Int]
        @Option(help: "A category of the taxonomy (incitement, …), not-violating or needs-context.")
        var reason: String

        func validate() throws {
            guard !ids.isEmpty else { throw ValidationError("name at least one case id") }
        }

        func run() async throws {
            if ids.count == 1 {
                try await options.send(.POST, "/v1/review/\(ids[0])/decision", json: ["decision": decision, "reason": reason])
            } else {
                try await options.send(.POST, "/v1/review/decisions", json: ["cases": ids, "decision": decision, "reason": reason])
            }
        }
    }

    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take back a decision within its undo window: the case is open again.")
        @OptionGroup var options: Options
        @Argument(help: "The case id.")
        var id: Int

        func run() async throws { try await options.send(.POST, "/v1/review/\(id)/undo") }
    }

    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Repeat uploaders: local accounts by matched and removed uploads in a window (JSON; never sent to the hub).")
        @OptionGroup var options: Options
        @Option(help: "The window, in days (1 to 366).")
        var days = 30

        func run() async throws { try await options.send(.GET, "/v1/review/accounts?days=\(days)") }
    }

    struct Statements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Statements of reasons (DSA Art. 17) for published removals, as JSON Lines in the DSA Transparency Database's schema.")
        @OptionGroup var options: Options
        @Option(help: "Only removals on cases after this id.")
        var after = 0
        @Option(help: "At most this many (1 to 1,000).")
        var limit = 1000

        func run() async throws {
            let text = try await HubAPI(base: options.mirror, key: try HubAPI.key(options.key, what: "a key of the mirror"))
                .text(.GET, "/v1/review/statements?format=jsonl&after=\(after)&limit=\(limit)")
            print(text, terminator: "")
        }
    }

    struct Verdicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Events after a cursor: cases opened and closed, decisions, reinstatements due (JSON).")
        @OptionGroup var options: Options
        @Option(help: "The `next` of the previous page (0: from the start).")
        var since = 0

        func run() async throws { try await options.send(.GET, "/v1/verdicts?since=\(since)") }
    }
}
