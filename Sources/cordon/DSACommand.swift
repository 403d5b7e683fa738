import ArgumentParser
import AsyncHTTPClient
import CordonDomain
import CordonServices
import Foundation
import NIOHTTP1
import NIOCore

/// `cordon dsa …`: statements of reasons for the platform's desk decisions, exported in
/// the DSA Transparency Database's schema or submitted to it.
struct DSACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dsa", abstract: "Statements of reasons (DSA Art. 17 and 24(5)) for the Transparency Database.",
        subcommands: [Export.self, Submit.self])

    struct Selection: ParsableArguments {
        @Flag(help: "Include removal orders (whether Art. 17 covers them is your legal call).")
        var includeOrders = false

        /// Every statement of the platform's removals, newest first.
        func statements(_ api: HubAPI) async throws -> [StatementOfReasons] {
            var statements: [StatementOfReasons] = []
            var before: String?
            repeat {
                var path = "/v1/dsa/statements?limit=1000&includeOrders=\(includeOrders)"
                if let before { path += "&before=" + (before.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? before) }
                let page = try JSONDecoder().decode(Page.self, fromUntrusted: Data(try await api.text(.GET, path).utf8))
                statements += page.statements
                before = page.next
            } while before != nil
            return statements
        }

        struct Page: Decodable {
            var statements: [StatementOfReasons]
            var next: String?
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print {\"statements\": [...]} as the database's API takes it.")

        @OptionGroup var options: HubOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            let statements = try await selection.statements(try options.api)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(["statements": statements]))
            print()
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the statements to the Transparency Database, 100 per call, idempotently.",
            discussion: "A statement whose PUID the database already holds counts as submitted, so a run can be repeated. "
                + "Calls refused with 429 or 5xx are retried with backoff.")

        @OptionGroup var options: HubOptions
        @OptionGroup var selection: Selection

        @Option(help: "The database's address (the sandbox's, given at onboarding, or https://transparency.dsa.ec.europa.eu).")
        var dsaURL: String

        @Option(help: "The database's API token (default: $DSA_TOKEN).")
        var dsaToken: String?

        func run() async throws {
            guard let token = dsaToken ?? ProcessInfo.processInfo.environment["DSA_TOKEN"], !token.isEmpty else {
                throw ValidationError("give the Transparency Database's API token with --dsa-token or $DSA_TOKEN")
            }
            let statements = try await selection.statements(try options.api)
            var local: [String] = []
            let valid = statements.filter { statement in
                let problems = statement.problems
                if !problems.isEmpty { local.append("\(statement.puid): " + problems.map(\.description).joined(separator: "; ")) }
                return problems.isEmpty
            }
            let submitter = StatementSubmitter(base: dsaURL, token: token)
            var report = StatementSubmitter.Report()
            for start in stride(from: 0, to: valid.count, by: StatementSubmitter.batchSize) {
                report.add(try await submitter.submit(Array(valid[start..<min(start + StatementSubmitter.batchSize, valid.count)])))
            }
            report.refused += local
            for line in report.refused { FileHandle.standardError.write("refused \(line)\n") }
            print("submitted \(report.created), already in the database \(report.existing), refused \(report.refused.count)")
            if !report.refused.isEmpty { throw ExitCode(1) }
        }
    }
}
