import ArgumentParser
import NIOCore
import NIOPosix

/// The `cordon` command: hashing, matching and the hub, from one binary.
@main
struct Cordon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Contain the spread of terrorist and violent-extremist content: hash, share, match.",
        subcommands: [HashCommand.self, ServeCommand.self, AdminCommand.self, KeysCommand.self, OrderCommand.self, InboxCommand.self, DrillCommand.self, ImportCommand.self,
                      ExportCommand.self, ConnectCommand.self, DSACommand.self, AuditCommand.self, SubmitCommand.self, MatchCommand.self, MirrorCommand.self,
                      SignalCommand.self, ReportCommand.self, NoticeCommand.self, CampaignCommand.self, BenchCommand.self])

    /// Runs the command with SwiftNIO's event loops as Swift Concurrency's executor, so an
    /// HTTP request's handler runs on the thread that read it instead of hopping to
    /// another pool and back (measured on `bench/hub`'s match load: see the README).
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
