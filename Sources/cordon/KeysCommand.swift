import ArgumentParser
import CordonServices
import Foundation

/// `cordon keys …`: the hub's own signing and evidence keys, kept in a file outside the
/// database.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Make, rotate and list the hub's signing and evidence keys (a key file, never the database).",
        discussion: """
            Every replica of a hub must start with the same key file (or the same CORDON_HUB_KEYS). \
            After `rotate`, copy the file to every replica and restart them: the new keys sign and seal from then on; \
            the retired ones still verify and open what they made, and GET /v1/hub-keys lists them. \
            The file's retention ratchet seals preserved records until their period ends; the hub moves it past \
            each day whose records are purged and rewrites the file, so old copies of the file are what could \
            still open old backups: keep none.
            """,
        subcommands: [Init.self, Rotate.self, Show.self])

    struct FileOption: ParsableArguments {
        @Option(help: "The key file (JSON, mode 0600).")
        var keyFile: String
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a new key file with one signing key, one evidence key and a retention ratchet.")

        @OptionGroup var file: FileOption

        func run() throws {
            guard !FileManager.default.fileExists(atPath: file.keyFile) else {
                throw CommandFailure("\(file.keyFile) exists already: its keys may have signed receipts and sealed evidence; use `cordon keys rotate` to replace them")
            }
            let ring = HubKeyring.generate()
            try Self.write(ring, to: file.keyFile)
            try Show.print(ring)
        }

        static func write(_ ring: HubKeyring, to path: String) throws {
            do {
                try HubKeyFile.write(ring, to: path)
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a new signing key and evidence key; retire the current ones (kept, for verifying and opening).")

        @OptionGroup var file: FileOption

        func run() throws {
            let ring = try Show.read(file.keyFile).rotated()
            try Init.write(ring, to: file.keyFile)
            try Show.print(ring)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys' ids and public keys (never a secret).")

        @OptionGroup var file: FileOption

        func run() throws {
            try Self.print(try Self.read(file.keyFile))
        }

        static func read(_ path: String) throws -> HubKeyring {
            do {
                return try HubKeyFile.read(path)
            } catch {
                throw CommandFailure(error.description)
            }
        }

        static func print(_ ring: HubKeyring) throws {
            for key in ring.publicKeys {
                Swift.print("signing  \(key.id)  \(key.publicKey)  \(key.retiredAt.map { "retired \($0)" } ?? "current")")
            }
            for key in ring.evidence {
                Swift.print("evidence \(key.id)  \(key.retiredAt.map { "retired \(ISO8601DateFormatter().string(from: $0))" } ?? "current")")
            }
            if let retention = ring.retention {
                Swift.print("retention \(retention.id)  keys from \(retention.day) on (earlier days are forgotten)")
            } else {
                Swift.print("retention none: preserved records are kept unsealed; `cordon keys rotate` adds a ratchet")
            }
        }
    }
}
