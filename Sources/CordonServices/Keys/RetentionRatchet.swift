import Crypto
import Foundation

/// Keys that can be forgotten: personal data kept for a period (preserved records) is sealed
/// with the key of the day its period ends, and once that day has passed the hub moves the
/// ratchet past it. A day's key is derived from the ratchet's state for that day, and each
/// day's state from the one before by SHA-256, which cannot be undone: after the move no
/// copy of the database — a backup, PostgreSQL's dead row versions or its write-ahead log,
/// a replica's disk — can be opened for the days behind it, while every later day's key is
/// still derivable from the one state the key file keeps.
public struct RetentionRatchet: Codable, Sendable, Equatable {
    /// The first 8 bytes of SHA-256 of the first state, in hex: every replica's ratchet
    /// must descend from the same one (the database records it with the hub's key ids).
    public var id: String
    /// The day (UTC, `yyyy-MM-dd`) whose state this is: the earliest day whose key is known.
    public var day: String
    /// That day's 32-byte state, base64.
    public var state: String

    /// A new ratchet, starting at `now`'s day.
    public static func generate(now: Date = Date()) -> RetentionRatchet {
        let state = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return RetentionRatchet(id: HubKeyring.keyID(state), day: Self.format(Self.dayNumber(of: now)), state: state.base64EncodedString())
    }

    /// Days since 1970-01-01 (UTC): what sealed records name.
    public static func dayNumber(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The earliest day whose key this ratchet can still derive.
    public var firstDay: Int {
        get throws(HubKeyError) {
            guard let number = Self.parse(day) else { throw .invalid("retention: day must be a date (yyyy-MM-dd), not \(day)") }
            return number
        }
    }

    /// The key of `dayNumber`; nil once the ratchet has moved past it.
    public func key(forDay dayNumber: Int) throws(HubKeyError) -> SymmetricKey? {
        let first = try firstDay
        guard dayNumber >= first else { return nil }
        let state = try Self.step(try stateBytes, times: dayNumber - first)
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: state), info: Data("cordon retention key".utf8), outputByteCount: 32)
    }

    /// This ratchet moved forward to `dayNumber` (never back): the keys of the days before
    /// it can no longer be derived from what it keeps.
    public func advanced(to dayNumber: Int) throws(HubKeyError) -> RetentionRatchet {
        let first = try firstDay
        guard dayNumber > first else { return self }
        var next = self
        next.state = try Self.step(try stateBytes, times: dayNumber - first).base64EncodedString()
        next.day = Self.format(dayNumber)
        return next
    }

    /// Refuses a ratchet whose day or state cannot be read.
    func validate() throws(HubKeyError) {
        _ = try firstDay
        _ = try stateBytes
        guard id.count == 16, id.allSatisfy(\.isHexDigit) else { throw .invalid("retention: id must be 16 hex digits") }
    }

    private var stateBytes: Data {
        get throws(HubKeyError) {
            guard let data = Data(base64Encoded: state), data.count == 32 else { throw .invalid("retention: state must be 32 bytes in base64") }
            return data
        }
    }

    private static func step(_ state: Data, times: Int) throws(HubKeyError) -> Data {
        // Days are counted from 1970: a ratchet more than a century ahead is a wrong date, not a key.
        guard times <= 36_600 else { throw .invalid("retention: a day more than a century past the ratchet's") }
        var state = state
        for _ in 0..<times { state = Data(SHA256.hash(data: Data("cordon retention ratchet".utf8) + state)) }
        return state
    }

    private static func format(_ dayNumber: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(dayNumber) * 86_400))
    }

    private static func parse(_ day: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: day).map(dayNumber(of:))
    }
}
