import CordonStore
import Crypto
import Foundation

/// The hub's own secrets: Ed25519 keys that sign receipts, feedback and audit checkpoints,
/// AES-256 keys that seal preserved evidence, and the ratchet whose daily keys seal
/// preserved records until their period ends (``RetentionRatchet``). They live in a key file or the
/// environment, never in the database, so a copy of the database (a backup, a replica's
/// disk, an SQL injection) can neither forge the hub's signature nor open evidence.
///
/// Rotation adds a key and retires the current one: a retired signing key still verifies
/// what it signed (``publicKeys`` lists it), a retired evidence key still opens what it
/// sealed; only the current ones sign and seal.
public struct HubKeyring: Codable, Sendable, Equatable {
    public struct SigningKey: Codable, Sendable, Equatable {
        /// The first 8 bytes of SHA-256 of the public key, in hex: what statements name.
        public var id: String
        /// The raw 32-byte private key, base64.
        public var privateKey: String
        public var createdAt: Date
        public var retiredAt: Date?
    }

    public struct EvidenceKey: Codable, Sendable, Equatable {
        /// The first 8 bytes of SHA-256 of the key, in hex: sealed files carry it.
        public var id: String
        /// The raw 32-byte key, base64.
        public var key: String
        public var createdAt: Date
        public var retiredAt: Date?
    }

    /// What the file says it is, so a wrong file is refused by name.
    public var format = "cordon-hub-keys/1"
    public var signing: [SigningKey]
    public var evidence: [EvidenceKey]
    /// Absent from files written before it; the hub adds one to its key file when it opens it.
    public var retention: RetentionRatchet?

    public init(signing: [SigningKey], evidence: [EvidenceKey], retention: RetentionRatchet? = nil) {
        self.signing = signing
        self.evidence = evidence
        self.retention = retention
    }

    /// One new signing key, one new evidence key and a new retention ratchet.
    public static func generate(now: Date = Date()) -> HubKeyring {
        let now = wholeSecond(now)
        return HubKeyring(signing: [Self.newSigningKey(now)], evidence: [Self.newEvidenceKey(now)], retention: .generate(now: now))
    }

    /// Keys made once per process, for hubs opened without a key file (tests, one-off
    /// administrative commands): nothing they sign outlives the process. Their ratchet
    /// starts ten years back, for clocks set in the past.
    public static let ephemeral: HubKeyring = {
        var ring = generate()
        ring.retention = .generate(now: Date().addingTimeInterval(-3650 * 86_400))
        return ring
    }()

    /// The keys with a new current pair; the old ones retired at `now`, kept for verifying
    /// and opening what they made.
    public func rotated(now: Date = Date()) -> HubKeyring {
        let now = Self.wholeSecond(now)
        var next = self
        for index in next.signing.indices where next.signing[index].retiredAt == nil { next.signing[index].retiredAt = now }
        for index in next.evidence.indices where next.evidence[index].retiredAt == nil { next.evidence[index].retiredAt = now }
        next.signing.append(Self.newSigningKey(now))
        next.evidence.append(Self.newEvidenceKey(now))
        // The ratchet is not rotated (its past days are forgotten anyway); a ring from before it gets one.
        next.retention = next.retention ?? .generate(now: now)
        return next
    }

    /// The keys a hub kept in its database before key files, as the current pair: a hub
    /// moving them out keeps signing and opening as before.
    public init(legacySigning: String, legacyEvidence: String, now: Date = Date()) throws(HubKeyError) {
        let now = Self.wholeSecond(now)
        let key = try Self.signingKey(legacySigning, id: "legacy signing key")
        signing = [SigningKey(id: Self.keyID(key.publicKey.rawRepresentation), privateKey: legacySigning, createdAt: now)]
        evidence = [EvidenceKey(id: Self.keyID(try Self.evidenceBytes(legacyEvidence, id: "legacy evidence key")),
                                key: legacyEvidence, createdAt: now)]
        retention = .generate(now: now)
    }

    /// This ring with the database's old keys beside its own, retired at `now`.
    public func adopting(retired legacy: HubKeyring, now: Date = Date()) -> HubKeyring {
        let now = Self.wholeSecond(now)
        var next = self
        for var entry in legacy.signing where !signing.contains(where: { $0.id == entry.id }) {
            entry.retiredAt = entry.retiredAt ?? now
            next.signing.append(entry)
        }
        for var entry in legacy.evidence where !evidence.contains(where: { $0.id == entry.id }) {
            entry.retiredAt = entry.retiredAt ?? now
            next.evidence.append(entry)
        }
        return next
    }

    /// Refuses a ring that could not sign or seal, or whose ids do not match its keys.
    public func validate() throws(HubKeyError) {
        guard format == "cordon-hub-keys/1" else { throw .invalid("the format is \(format), not cordon-hub-keys/1") }
        guard signing.filter({ $0.retiredAt == nil }).count == 1, evidence.filter({ $0.retiredAt == nil }).count == 1 else {
            throw .invalid("exactly one signing key and one evidence key must be current (without retiredAt)")
        }
        for entry in signing {
            let key = try Self.signingKey(entry.privateKey, id: entry.id)
            guard Self.keyID(key.publicKey.rawRepresentation) == entry.id else { throw .invalid("signing key \(entry.id): the id does not match the key") }
        }
        for entry in evidence {
            guard Self.keyID(try Self.evidenceBytes(entry.key, id: entry.id)) == entry.id else {
                throw .invalid("evidence key \(entry.id): the id does not match the key")
            }
        }
        try retention?.validate()
        guard Set(signing.map(\.id)).count == signing.count, Set(evidence.map(\.id)).count == evidence.count else {
            throw .invalid("a key id appears twice")
        }
    }

    /// Every signing key's public half, current first: what `GET /v1/hub-keys` lists.
    public var publicKeys: [HubPublicKey] {
        signing.sorted { ($0.retiredAt == nil ? 0 : 1, $1.createdAt) < ($1.retiredAt == nil ? 0 : 1, $0.createdAt) }.map {
            HubPublicKey(id: $0.id, publicKey: (try? Self.signingKey($0.privateKey, id: $0.id))?.publicKey.rawRepresentation.base64EncodedString() ?? "",
                         createdAt: HubStore.iso($0.createdAt), retiredAt: $0.retiredAt.map(HubStore.iso))
        }
    }

    // MARK: Making and reading keys

    /// Times to the second: what the file's ISO 8601 dates keep.
    private static func wholeSecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    static func keyID(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static func signingKey(_ base64: String, id: String) throws(HubKeyError) -> Curve25519.Signing.PrivateKey {
        guard let data = Data(base64Encoded: base64), data.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data)
        else { throw .invalid("signing key \(id): privateKey must be 32 bytes in base64") }
        return key
    }

    static func evidenceBytes(_ base64: String, id: String) throws(HubKeyError) -> Data {
        guard let data = Data(base64Encoded: base64), data.count == 32 else { throw .invalid("evidence key \(id): key must be 32 bytes in base64") }
        return data
    }

    private static func newSigningKey(_ now: Date) -> SigningKey {
        let key = Curve25519.Signing.PrivateKey()
        return SigningKey(id: keyID(key.publicKey.rawRepresentation), privateKey: key.rawRepresentation.base64EncodedString(), createdAt: now)
    }

    private static func newEvidenceKey(_ now: Date) -> EvidenceKey {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return EvidenceKey(id: keyID(bytes), key: bytes.base64EncodedString(), createdAt: now)
    }
}

/// A hub signing key as anyone may see it.
public struct HubPublicKey: Codable, Sendable, Equatable {
    public var id: String
    /// The raw 32-byte Ed25519 public key, base64.
    public var publicKey: String
    /// When it was made (ISO 8601).
    public var createdAt: String
    /// When rotation replaced it: it verifies what it signed before, and signs nothing after.
    public var retiredAt: String?
}

/// A key file or `CORDON_HUB_KEYS` the hub cannot use.
public enum HubKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    case unreadable(path: String, reason: String)
    case notPrivate(path: String)
    case missingFromFile(ids: [String])

    public var description: String {
        switch self {
        case .invalid(let reason): "the hub's keys are not usable: \(reason)"
        case .unreadable(let path, let reason): "cannot read the hub's key file \(path): \(reason)"
        case .notPrivate(let path): "the hub's key file \(path) can be read by others: chmod 600 \(path)"
        case .missingFromFile(let ids):
            "this database was used with hub key\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")), which these keys lack: start every replica with the same key file (copy it after `cordon keys rotate`)"
        }
    }
}
