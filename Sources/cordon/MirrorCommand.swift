import ArgumentParser
import CordonHub
import CordonMirror
import CordonStore
import CordonWeb
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `cordon mirror`: a small platform's copy of the hub's hash lists, matching offline, and
/// its review queue from the shell.
struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Run a small platform's mirror of the hub (the default), or work its review queue.",
        subcommands: [MirrorRun.self, MirrorReview.self], defaultSubcommand: MirrorRun.self)
}

/// `cordon mirror [run]`.
struct MirrorRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Keep a copy of the hub's collections in a local SQLite file and match against it offline.",
        discussion: """
            The copy follows the hub's live feed, and catches up after a break from where it \
            stopped (kill it at any moment: nothing is skipped or repeated). It answers the \
            hub's POST /v1/match with its own keys, whether the hub is reachable or not, keeps \
            the platform's uploads (POST /v1/uploads) and re-checks them whenever the hub \
            shares a hash, and serves the review queue at /review. The first start prints the \
            local admin key once; make more keys and moderators' accounts with \
            `cordon admin create-key|create-user --database sqlite:DIR/mirror.sqlite`.
            """)

    @Option(help: "The hub's address, such as https://hub.example.org.")
    var hub: String

    @Option(help: "A key of your organisation at the hub (else $CORDON_KEY).")
    var key: String?

    @Option(help: "Collections to copy, by id or name, comma-separated (default: every one the key may read).")
    var collections: String?

    @Option(help: "Folder for the copy (mirror.sqlite).")
    var data: String = "cordon-mirror"

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port: Int = 8090

    @Flag(help: "Mark session cookies Secure (set when the mirror is reached over TLS, directly or through a proxy).")
    var secureCookies = false

    @Option(help: "Seconds a moderator's decision may be undone before the platform is told (0 to 3,600).")
    var undoWindow: Double = 60

    @Option(help: "Collections (by id or name, comma-separated) whose decisions go back to the hub as feedback.")
    var feedback: String?

    @Option(help: ArgumentHelp("An automatic removal, COLLECTION=TYPE[,TYPE…][@DISTANCE], such as 'Trusted list=md5' (repeatable).",
                               valueName: "rule"))
    var autoRemove: [String] = []

    @Flag(help: "Keep uploaded files (in DATA/media) so moderators see them, blurred until revealed; by default only hashes, ids and times are kept.")
    var preserveMedia = false

    @Option(help: "Days an upload is kept and re-checked before its hashes (and any preserved file) are forgotten.")
    var retentionDays: Int = 183

    func validate() throws {
        guard (1...3650).contains(retentionDays) else { throw ValidationError("--retention-days must be 1 to 3,650; got \(retentionDays)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard (0...3600).contains(undoWindow) else { throw ValidationError("--undo-window must be 0 to 3,600 seconds; got \(undoWindow)") }
        guard let url = URL(string: hub), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--hub must be the hub's http(s) address, such as https://hub.example.org; got '\(hub)'")
        }
    }

    func run() async throws {
        var logger = Logger(label: "cordon-mirror")
        logger.logLevel = .info
        let upstream = UpstreamHub(base: hub, key: try HubAPI.key(key, what: "a key of your organisation at the hub"))
        let wanted = (collections ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let mirror: Mirror, newKey: String?
        do {
            var settings = Mirror.Settings(
                feedback: (feedback ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                automaticRemovals: autoRemove, undoWindow: undoWindow)
            settings.retention = TimeInterval(retentionDays) * 86_400
            if preserveMedia { settings.mediaFolder = URL(fileURLWithPath: data).appendingPathComponent("media") }
            (mirror, newKey) = try await Mirror.open(in: URL(fileURLWithPath: data), upstream: upstream, wanted: wanted,
                                                     settings: settings, logger: logger)
        } catch let error as MirrorError {
            throw ValidationError(error.description)
        }
        let names = mirror.collections.values.sorted().joined(separator: ", ")
        let (platform, data) = (mirror.platform, data)
        let pages = try WebPages(services: mirror.hub.services, settings: .init(secureCookies: secureCookies), review: mirror.desk)
        let app = mirror.application(host: host, port: port, logger: logger, pages: pages.addRoutes) { [host, platform, data] port in
            var text = "Cordon mirror of \(upstream.base): \(names); matching at http://\(host):\(port)/v1/match, "
                + "review queue at http://\(host):\(port)/review\n"
            if let newKey {
                text += "Local admin key (shown once): \(newKey)\n"
                text += "Add moderators with: cordon admin create-user --database sqlite:\(data)/mirror.sqlite "
                    + "--organisation \(platform) --name NAME --email EMAIL --role contributor\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: mirror.hub.store.hub), .init(service: app)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
