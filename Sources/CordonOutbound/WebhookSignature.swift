import Crypto
import Foundation

/// The signature on a webhook call: `Cordon-Signature: t=UNIX,v1=HEX`, where HEX is
/// HMAC-SHA256 with the subscriber's secret over `"UNIX.BODY"`. Signing the time stops a
/// captured call from being replayed later.
public enum WebhookSignature {
    public static let header = "Cordon-Signature"

    public static func sign(body: [UInt8], secret: String, timestamp: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `header` is a valid signature of `body` made within `tolerance` of `now`.
    public static func verify(header: String, body: [UInt8], secret: String, now: Date = Date(),
                              tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = sign(body: body, secret: secret, timestamp: timestamp)
        let expectedMAC = Array(expected.split(separator: "=").last!.utf8)
        // Compared in constant time.
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expectedMAC.count else { return false }
            return zip(bytes, expectedMAC).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
