import CordonDomain
import CordonStore
import Crypto
import Foundation

/// The hub's own Ed25519 key: it signs the times at which orders were sent and received,
/// so either side can prove them later to anyone holding the hub's public key. It also
/// seals preserved evidence files (AES-GCM). Both keys live in the database, so every
/// replica signs and opens alike.
struct HubNotary: Sendable {
    let signingKey: Curve25519.Signing.PrivateKey
    let evidenceKey: SymmetricKey

    init(store: HubStore) async throws {
        let signing = try await store.setting("receipt-signing-key") {
            Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
        }
        let evidence = try await store.setting("evidence-key") {
            SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        }
        signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: signing) ?? Data())
        evidenceKey = SymmetricKey(data: Data(base64Encoded: evidence) ?? Data())
    }

    var publicKey: String { signingKey.publicKey.rawRepresentation.base64EncodedString() }

    /// A signed statement: the canonical JSON of `statement` and the hub's signature over it.
    func sign(_ statement: some Encodable) throws -> SignedStatement {
        let bytes = try CanonicalJSON(encoding: statement).bytes
        return SignedStatement(statement: String(decoding: bytes, as: UTF8.self),
                               signature: try signingKey.signature(for: bytes).base64EncodedString())
    }

    /// Whether `signature` (base64) is `publicKey`'s (base64, raw 32 bytes) over `bytes`.
    static func verify(signature: String, of bytes: [UInt8], publicKey: String) -> Bool {
        guard let keyData = Data(base64Encoded: publicKey), let signatureData = Data(base64Encoded: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData)
        else { return false }
        return key.isValidSignature(signatureData, for: bytes)
    }

    func seal(_ evidence: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(evidence, using: evidenceKey).combined else {
            throw ServiceError.invalid("evidence", "the evidence could not be sealed")
        }
        return combined
    }

    func open(_ sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: evidenceKey)
    }
}

/// A statement (canonical JSON text) and a base64 Ed25519 signature over its UTF-8 bytes.
public struct SignedStatement: Codable, Sendable, Hashable {
    public var statement: String
    public var signature: String
}

/// What the hub signs when an order reaches the platform's inbox.
struct OrderReceipt: Codable, Sendable {
    var type = "cordon.order-receipt"
    var caseID: UUID
    var issuer: UUID
    var platform: UUID
    /// SHA-256 (hex) of the order's canonical bytes, as the issuer signed them.
    var orderSHA256: String
    /// When the hub accepted the order from the issuer.
    var sentAt: String
    /// When the order was placed in the platform's inbox: the one hour runs from here.
    var receivedAt: String
}
