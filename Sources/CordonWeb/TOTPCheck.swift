import CordonServices
import CordonStore
import Foundation
import HummingbirdOTP

/// Checks six-digit TOTP codes (RFC 6238, 30 s steps, SHA-1, as authenticator apps do) with
/// hummingbird-auth, allowing one step either side for a clock that is a little off.
struct TOTPCheck: OneTimeCodeCheck {
    func accepts(_ code: String, secret: String, at date: Date) -> Bool {
        guard code.count == 6, let number = Int(code) else { return false }
        let totp = TOTP(secret: secret)
        return (-1...1).contains { totp.compute(date: date.addingTimeInterval(Double($0) * 30)) == number }
    }
}
