import ArgumentParser

/// The `cordon` command: hashing, matching and the hub, from one binary.
@main
struct Cordon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Contain the spread of terrorist and violent-extremist content: hash, share, match.",
        subcommands: [HashCommand.self, ServeCommand.self, AdminCommand.self, InboxCommand.self, DrillCommand.self, BenchCommand.self])
}
