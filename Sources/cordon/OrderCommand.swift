import ArgumentParser
import CordonDomain
import CordonServices
import Crypto
import Foundation

/// `cordon order`: an authority's signing keys and removal orders, signed on its own
/// machine so the private key never reaches the hub.
struct OrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order", abstract: "Make signing keys and sign removal orders (Ed25519, offline).",
        subcommands: [Keygen.self, Sign.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new Ed25519 private key (PKCS#8 PEM) and print its public key to register with the hub.")

        @Option(help: "Where to write the private key (created with mode 600; never overwritten).")
        var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("\(out) exists already; choose another path (keys are never overwritten)")
            }
            let key = Curve25519.Signing.PrivateKey()
            guard FileManager.default.createFile(atPath: out, contents: Data(SigningKeyFile.pem(key).utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(out)")
            }
            print(key.publicKey.rawRepresentation.base64EncodedString())
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a removal order (its JSON) and print the body of POST /v1/orders, for the API or the desk page's upload.")

        @Option(help: "The private key file (from `cordon order keygen`, or a raw 32-byte seed in base64).")
        var key: String

        @Option(help: "The id the hub gave the key's public half (POST /v1/signing-keys).")
        var signingKey: String

        @Argument(help: "The order as JSON (the fields of a removal order: referenceNumber, issuingAuthority, platform, urls, …).")
        var order: String

        func run() throws {
            guard let keyID = UUID(uuidString: signingKey) else { throw ValidationError("--signing-key must be the key's UUID") }
            let signer = try SigningKeyFile.read(key)
            let content: RemovalOrderContent
            do {
                content = try JSONDecoder().decode(RemovalOrderContent.self, fromUntrusted: try Data(contentsOf: URL(fileURLWithPath: order)))
            } catch let error as DecodingError {
                throw ValidationError("\(order) is not a removal order: \(error)")
            }
            let bytes = content.canonicalBytes
            let body: [String: Any] = [
                "order": try JSONSerialization.jsonObject(with: Data(bytes)), "signingKey": keyID.uuidString,
                "signature": try signer.signature(for: bytes).base64EncodedString(),
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]),
                         as: UTF8.self))
        }
    }
}

/// Ed25519 private keys as files: PKCS#8 PEM (what WebCrypto imports in the browser), or a
/// raw seed in base64.
enum SigningKeyFile {
    /// The fixed PKCS#8 header of an Ed25519 key (RFC 8410); the 32-byte seed follows.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    static func pem(_ key: Curve25519.Signing.PrivateKey) -> String {
        let der = Data(pkcs8Prefix + key.rawRepresentation).base64EncodedString()
        return "-----BEGIN PRIVATE KEY-----\n\(der)\n-----END PRIVATE KEY-----\n"
    }

    static func read(_ path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
        let base64 = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined().trimmingCharacters(in: .whitespaces)
        guard var bytes = Data(base64Encoded: base64).map(Array.init) else {
            throw ValidationError("\(path) is neither a PEM private key nor a base64 seed")
        }
        if bytes.count == 48, bytes.starts(with: pkcs8Prefix) { bytes.removeFirst(16) }
        guard bytes.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw ValidationError("\(path) is not an Ed25519 private key (PKCS#8, from `cordon order keygen`)")
        }
        return key
    }
}
