import ArgumentParser
import Foundation
import NIOHTTP1

/// `cordon inbox …`: a platform's referrals and removal orders, from the shell.
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "List the referrals and removal orders addressed to your platform, and act on them.",
        subcommands: [List.self, Act.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cases addressed to your platform, newest first (JSON).")

        @OptionGroup var options: HubOptions

        @Option(help: "Only cases in this state (received, acknowledged, suspended, removed, …).")
        var state: String?

        @Option(help: "referral or removal-order.")
        var kind: String?

        func run() async throws {
            var query = ["view=inbox"]
            if let state { query.append("state=\(state)") }
            if let kind { query.append("kind=\(kind)") }
            try await options.send(.GET, "/v1/cases?" + query.joined(separator: "&"))
        }
    }

    struct Act: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Act on a case: acknowledge, confirm-removal, refuse, report-inability, resume, reinstate.")

        @OptionGroup var options: HubOptions

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "acknowledge, confirm-removal, refuse, report-inability, resume or reinstate.")
        var action: String

        @Option(help: "refuse: why; report-inability: force-majeure, technical-impossibility, manifest-error or missing-information.")
        var reason: String?

        @Option(help: "report-inability: what prevents compliance or what is missing.")
        var detail: String?

        @Option(help: "confirm-removal: removed or disabled.")
        var removal: String?

        @Option(help: "confirm-removal: when (ISO 8601); default now.")
        var at: String?

        func validate() throws {
            guard UUID(uuidString: id) != nil else { throw ValidationError("the case id must be a UUID, as `cordon inbox list` prints it") }
        }

        func run() async throws {
            var body: [String: Any] = ["action": action]
            if let reason { body["reason"] = reason }
            if let detail { body["detail"] = detail }
            if let removal { body["removal"] = removal }
            if let at { body["at"] = at }
            try await options.send(.POST, "/v1/cases/\(id)/actions", json: body)
        }
    }
}
