import ArgumentParser
import NIOHTTP1
import Foundation

/// `cordon signal …`: a signal's error ledger, feedback and confirmation, from a shell.
struct SignalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal", abstract: "A shared hash's error ledger, feedback and its contributor's confirmation.",
        subcommands: [Ledger.self, Feedback.self, Confirm.self, DesignationChanged.self])

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the signal's ledger: matches, removals, false positives, appeals, reinstatements, standing.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The signal's id.") var id: Int

        func run() async throws { try await options.send(.GET, "/v1/signals/\(id)/ledger") }
    }

    struct Feedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell the hub what happened to content matched on the signal.",
            discussion: "Kinds: seen-too (removed), false-positive (left up as not violating), appealed, reinstated (after the user's appeal), "
                + "disagree-labels, helpful. No user data is sent.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The signal's id.") var id: Int
        @Option(help: "What happened.") var kind: String
        @Option(help: "The match's PDQ distance, for the ledger by threshold.") var distance: Int?
        @Option(help: "A note.") var comment: String?

        func run() async throws {
            var body: [String: Any] = ["kind": kind]
            if let distance { body["distance"] = distance }
            if let comment { body["comment"] = comment }
            try await options.send(.POST, "/v1/signals/\(id)/feedback", json: body)
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "As its contributor, confirm a disputed, quarantined or due signal after review.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The signal's id.") var id: Int
        @Option(help: "When it is due for review again (ISO 8601).") var reviewBy: String?
        @Option(help: "What you checked.") var comment: String?

        func run() async throws {
            var body: [String: Any] = [:]
            if let reviewBy { body["reviewBy"] = reviewBy }
            if let comment { body["comment"] = comment }
            try await options.send(.POST, "/v1/signals/\(id)/confirm", json: body)
        }
    }
}

extension SignalCommand {
    struct DesignationChanged: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "designation-changed",
            abstract: "As the operator, record that an entity's designation changed: its hashes are quarantined until reviewed.")
        @OptionGroup var options: HubOptions
        @Option(help: "The entity, as hashes label it.") var entity: String
        @Option(help: "What changed (delisted, renamed…).") var note: String?

        func run() async throws {
            try await options.send(.POST, "/v1/designation-changes", json: ["entity": entity, "note": note ?? ""])
        }
    }
}

/// `cordon report …`: the figures governments and critics ask for.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The hub's transparency report and the error ledger's figures.",
        subcommands: [Network.self, Ledger.self])

    struct Network: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the hub's transparency report for a year as JSON.")
        @OptionGroup var options: HubOptions
        @Option(help: "The calendar year (default: this one).") var year: Int?
        @Flag(help: "Leave counts under 10 out, as the public page does.") var `public` = false

        func run() async throws {
            var path = "/v1/reports/network?public=\(self.public)"
            if let year { path += "&year=\(year)" }
            try await options.send(.GET, path)
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the error ledger summed by label, contributor, algorithm or origin.")
        @OptionGroup var options: HubOptions
        @Option(help: "label, contributor, algorithm or origin.") var by = "label"

        func run() async throws { try await options.send(.GET, "/v1/ledger?by=\(by)") }
    }
}

/// `cordon notice …`: DSA Art. 16 notices from a shell.
struct NoticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "Send, list and decide notices of illegal content (DSA Art. 16).",
        subcommands: [Send.self, List.self, Decide.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a notice to a platform; prints the notice and the hub's signed receipt.")
        @OptionGroup var options: HubOptions
        @Option(help: "The platform's organisation id.") var platform: String
        @Option(help: "(a) Why the content is illegal.") var explanation: String
        @Option(name: .customLong("url"), help: "(b) An exact URL of the content (repeat for more).") var urls: [String]
        @Option(help: "(b) More to find it: a timestamp, a page.") var locator: String?
        @Option(help: "(c) Your name.") var name: String
        @Option(help: "(c) Your email address.") var email: String
        @Option(name: .customLong("category"), help: "The type of content (repeat for more).") var categories: [String] = []
        @Flag(help: "(d) You believe in good faith that the notice is accurate and complete.") var bonaFide = false

        func run() async throws {
            var body: [String: Any] = ["platform": platform, "explanation": explanation, "urls": urls, "notifierName": name,
                                       "notifierEmail": email, "bonaFide": bonaFide, "categories": categories]
            if let locator { body["locator"] = locator }
            try await options.send(.POST, "/v1/notices", json: body)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Notices to your platform (its queue, priority first) and those you sent.")
        @OptionGroup var options: HubOptions
        @Option(help: "open or decided (default: both).") var state: String?

        func run() async throws { try await options.send(.GET, "/v1/notices" + (state.map { "?state=\($0)" } ?? "")) }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decide a notice to your platform; the notifier reads it with its redress.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The notice's id.") var id: Int
        @Option(help: "removed, disabled, restricted or no-action.") var action: String
        @Option(help: "law or terms.") var ground = "law"
        @Option(help: "Why, for the notifier.") var explanation: String
        @Option(help: "substantiated, insufficiently-precise or manifestly-unfounded.") var assessment = "substantiated"

        func run() async throws {
            try await options.send(.POST, "/v1/notices/\(id)/decision",
                                   json: ["action": action, "ground": ground, "explanation": explanation, "assessment": assessment])
        }
    }
}

/// `cordon campaign …`: the campaign registry and reach reporting, for platforms' scripts.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", abstract: "Counter-narrative campaigns: list them, report or read their reach.",
        subcommands: [List.self, Reach.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the campaign registry.")
        @OptionGroup var options: HubOptions

        func run() async throws { try await options.send(.GET, "/v1/campaigns") }
    }

    struct Reach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report a week's impressions and clicks in a country (a platform), or with no figures read the campaign's reach (its partner).")
        @OptionGroup var options: HubOptions
        @Argument(help: "The campaign's id.") var id: String
        @Option(help: "ISO week, such as 2026-W49.") var week: String?
        @Option(help: "ISO 3166 country code.") var country: String?
        @Option var impressions: Int?
        @Option var clicks: Int?

        func validate() throws {
            let given = [week == nil, country == nil, impressions == nil, clicks == nil]
            guard given.allSatisfy({ $0 }) || given.allSatisfy({ !$0 }) else {
                throw ValidationError("to report reach give --week, --country, --impressions and --clicks; to read it give none")
            }
        }

        func run() async throws {
            guard let week, let country, let impressions, let clicks else {
                return try await options.send(.GET, "/v1/campaigns/\(id)/reach")
            }
            try await options.send(.POST, "/v1/campaigns/\(id)/reach",
                                   json: ["rows": [["week": week, "country": country, "impressions": impressions, "clicks": clicks]]])
        }
    }
}
