import ArgumentParser
import Foundation
import NIOHTTP1

/// `cordon mirror review …`: the mirror's review queue from the shell.
struct MirrorReview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List the mirror's review cases, show one with its evidence, decide it, or read the verdicts.",
        subcommands: [List.self, Show.self, Decide.self, Verdicts.self])

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
        static let configuration = CommandConfiguration(abstract: "Review cases, newest first (JSON).")
        @OptionGroup var options: Options
        @Option(help: "open, decided or closed (default: all).")
        var state: String?
        @Option(help: "At most this many (1 to 1,000).")
        var limit = 100

        func run() async throws {
            try await options.send(.GET, "/v1/review?limit=\(limit)" + (state.map { "&state=\($0)" } ?? ""))
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
        static let configuration = CommandConfiguration(abstract: "Decide an open case: remove, leave-up or escalate, with a reason.")
        @OptionGroup var options: Options
        @Argument(help: "The case id.")
        var id: Int
        @Argument(help: "remove, leave-up or escalate.")
        var decision: String
        @Option(help: "A category of the taxonomy (incitement, …), not-violating or needs-context.")
        var reason: String

        func run() async throws {
            try await options.send(.POST, "/v1/review/\(id)/decision", json: ["decision": decision, "reason": reason])
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
