import Crypto
import Foundation
import Synchronization

/// The hub's ``RetentionRatchet`` at work: seals a preserved record's fields with the key
/// of the day its period ends, opens them while that day's key is known, and moves the
/// ratchet past days whose records are all purged, rewriting the key file so the old state
/// is gone from the disk too.
final class RetentionKeys: Sendable {
    private let ratchet: Mutex<RetentionRatchet?>
    /// The key file the ratchet's moves are written to; nil for keys from the environment
    /// or made for one process, whose moves last as long as the process.
    let keyFile: String?

    init(_ ratchet: RetentionRatchet?, keyFile: String?) {
        self.ratchet = Mutex(ratchet)
        self.keyFile = keyFile
    }

    /// Whether records are sealed (keys from the environment written before the ratchet are not).
    var isSealing: Bool { ratchet.withLock { $0 != nil } }

    /// The earliest day whose key is still known.
    var firstDay: Int? { ratchet.withLock { try? $0?.firstDay } }

    /// `plaintext` sealed for `day` (AES-GCM's nonce, ciphertext and tag), bound to `binding`
    /// (the record and field), so a sealed value moved to another record or field does not open.
    func seal(_ plaintext: Data, day: Int, binding: String) throws -> Data {
        try Self.seal(plaintext, with: try key(forDay: day, field: binding), binding: binding)
    }

    func open(_ sealed: Data, day: Int, binding: String) throws -> Data {
        try Self.open(sealed, with: try key(forDay: day, field: binding), binding: binding)
    }

    /// Text sealed as base64, for text columns.
    func seal(_ text: String, day: Int, binding: String) throws -> String {
        try Self.seal(text, with: try key(forDay: day, field: binding), binding: binding)
    }

    func open(_ sealed: String, day: Int, binding: String) throws -> String {
        try Self.open(sealed, with: try key(forDay: day, field: binding), binding: binding)
    }

    /// The key of `day` (derived by stepping the ratchet: once per record, not per field);
    /// an error naming `field` once the ratchet has moved past it.
    func key(forDay day: Int, field: String) throws -> SymmetricKey {
        let known = try ratchet.withLock { current throws(HubKeyError) in try current?.key(forDay: day) }
        guard let known else {
            throw ServiceError.notFound(field, "the key for this value's retention period was forgotten: the value is gone")
        }
        return known
    }

    static func seal(_ plaintext: Data, with key: SymmetricKey, binding: String) throws -> Data {
        guard let sealed = try AES.GCM.seal(plaintext, using: key, authenticating: Data(binding.utf8)).combined else {
            throw ServiceError.invalid(binding, "the value could not be sealed")
        }
        return sealed
    }

    static func open(_ sealed: Data, with key: SymmetricKey, binding: String) throws -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(binding.utf8))
        } catch {
            throw ServiceError.invalid(binding, "this hub's retention keys do not open this value: was it sealed by a hub with another key file?")
        }
    }

    static func seal(_ text: String, with key: SymmetricKey, binding: String) throws -> String {
        try seal(Data(text.utf8), with: key, binding: binding).base64EncodedString()
    }

    static func open(_ sealed: String, with key: SymmetricKey, binding: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else {
            throw ServiceError.invalid(binding, "the stored value is not sealed text: the database was changed by hand")
        }
        return String(decoding: try open(data, with: key, binding: binding), as: UTF8.self)
    }

    /// Moves the ratchet to `day` when it is behind it, and writes the key file. A key file
    /// changed since the hub read it (another replica's move, a rotation) keeps its keys;
    /// only its ratchet moves, and only forward.
    /// - Returns: whether the ratchet moved.
    @discardableResult
    func forget(before day: Int) throws -> Bool {
        let moved: RetentionRatchet? = try ratchet.withLock { current in
            guard let old = current, try old.firstDay < day else { return nil }
            current = try old.advanced(to: day)
            return current
        }
        guard let moved, let keyFile else { return moved != nil }
        var ring = try HubKeyFile.read(keyFile)
        guard let written = ring.retention, written.id == moved.id else {
            throw HubKeyError.invalid("the key file \(keyFile) holds another retention ratchet than the one this hub started with: restart the hub")
        }
        guard try written.firstDay < day else { return true }
        ring.retention = try written.advanced(to: day)
        try HubKeyFile.write(ring, to: keyFile)
        return true
    }
}
