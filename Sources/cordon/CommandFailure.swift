/// A command that could not do its work: ArgumentParser prints the message to standard
/// error as "Error: …" and exits 1 (`CleanExit` would have exited 0, as if all was well).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
