import CordonStore
import Foundation

/// Where the hub reads its keys: a file only its user may read, or the environment
/// (`CORDON_HUB_KEYS`, the file's JSON) where a secret store injects them. Every replica
/// must be given the same keys.
public enum HubKeySource: Sendable, Equatable {
    case file(path: String)
    case environment(json: String)

    public static let environmentVariable = "CORDON_HUB_KEYS"

    /// The environment's keys when `CORDON_HUB_KEYS` is set, else the file at `path`.
    public static func resolve(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> HubKeySource {
        if let json = environment[environmentVariable], !json.isEmpty { return .environment(json: json) }
        return .file(path: path)
    }
}

/// Reads and writes key files: JSON, mode 0600, replaced atomically.
public enum HubKeyFile {
    public static func read(_ path: String) throws(HubKeyError) -> HubKeyring {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: "it does not exist or cannot be opened; create it with `cordon keys init --key-file \(path)`")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 { throw .notPrivate(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "it cannot be read") }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws(HubKeyError) -> HubKeyring {
        let ring: HubKeyring
        do {
            ring = try decoder.decode(HubKeyring.self, fromUntrusted: data)
        } catch {
            throw .invalid("it is not a Cordon key file (JSON with format, signing and evidence)")
        }
        try ring.validate()
        return ring
    }

    /// Writes `ring` to `path` (0600), through a temporary file renamed over it, so a crash
    /// leaves the old file or the new one, never half of either.
    public static func write(_ ring: HubKeyring, to path: String) throws(HubKeyError) {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            let data = try encoder.encode(ring)
            guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw HubKeyError.unreadable(path: path, reason: "cannot write beside it (is the folder writable?)")
            }
            if rename(temporary, path) != 0 { throw HubKeyError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        } catch let error as HubKeyError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// The hub's keys from `source`. A file that does not exist yet is made; keys an older
    /// hub kept in the database move into it (as the current pair when the file is new) and
    /// are then deleted from the database.
    public static func open(_ source: HubKeySource, store: HubStore, now: Date = Date()) async throws -> HubKeyring {
        let legacySigning = try await store.setting(legacySigningSetting), legacyEvidence = try await store.setting(legacyEvidenceSetting)
        let legacy = try legacySigning.flatMap { signing in
            try legacyEvidence.map { evidence throws(HubKeyError) in try HubKeyring(legacySigning: signing, legacyEvidence: evidence, now: now) }
        }
        var ring: HubKeyring
        switch source {
        case .environment(let json):
            ring = try parse(Data(json.utf8))
            if let legacy, legacy.signing.contains(where: { entry in !ring.signing.contains { $0.id == entry.id } }) {
                throw HubKeyError.invalid("this database still holds the keys of an older hub: start once with --key-file (not \(HubKeySource.environmentVariable)) to move them into a key file")
            }
        case .file(let path):
            if FileManager.default.fileExists(atPath: path) {
                let existing = try read(path)
                ring = legacy.map { existing.adopting(retired: $0, now: now) } ?? existing
                // A file from before the retention ratchet gets one: records are sealed from now on.
                if ring.retention == nil { ring.retention = .generate(now: now) }
                if ring != existing { try write(ring, to: path) }
            } else {
                ring = legacy ?? .generate(now: now)
                try write(ring, to: path)
            }
        }
        if legacy != nil {
            try await store.updateSetting(legacySigningSetting) { _ in nil }
            try await store.updateSetting(legacyEvidenceSetting) { _ in nil }
        }
        return ring
    }

    static let legacySigningSetting = "receipt-signing-key", legacyEvidenceSetting = "evidence-key"

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
