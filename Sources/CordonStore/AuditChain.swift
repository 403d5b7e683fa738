import Crypto
import Foundation

/// The audit log as a hash chain: each sealed entry carries the hash of the one sealed
/// before it, and its own hash covers its fields, its place and that link. The hub signs
/// the chain's head regularly (checkpoints), so an entry deleted, altered, inserted or
/// moved, or the chain cut short or recomputed, shows when the chain is verified, here or
/// offline from an export and the hub's public key.
public enum AuditChain {
    /// One entry as exported and hashed: every field as text, exactly as hashed.
    public struct Entry: Codable, Sendable, Hashable {
        public var id: Int
        public var at: String
        public var organisationID: String
        public var keyID: String
        public var action: String
        public var target: String
        public var detail: String
        public var seal: Int?
        public var previousHash: String?
        public var entryHash: String?

        public init(_ record: AuditRecord) {
            id = record.id ?? 0
            at = record.at.map(HubStore.iso) ?? ""
            organisationID = record.organisationID?.uuidString ?? ""
            keyID = record.keyID?.uuidString ?? ""
            action = record.action
            target = record.target
            detail = record.detail
            seal = record.seal
            previousHash = record.previousHash
            entryHash = record.entryHash
        }

        /// SHA-256 (hex) of the fields, one per line, then the seal and the previous hash.
        public func hash(seal: Int, previous: String) -> String {
            let text = [String(id), at, organisationID, keyID, action, target, detail, String(seal), previous].joined(separator: "\n")
            return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// A signed statement of the head: ``CheckpointStatement`` as canonical JSON.
    public struct Checkpoint: Codable, Sendable, Hashable {
        public var seal: Int
        public var headHash: String
        public var statement: String
        public var signature: String

        public init(_ record: AuditCheckpointRecord) {
            seal = record.seal
            headHash = record.headHash
            statement = record.statement
            signature = record.signature
        }
    }

    /// What the hub signs.
    public struct CheckpointStatement: Codable, Sendable, Hashable {
        public var kind = "cordon-audit-checkpoint"
        public var seal: Int
        public var headHash: String
        public var at: String

        public init(seal: Int, headHash: String, at: String) {
            self.seal = seal
            self.headHash = headHash
            self.at = at
        }
    }

    /// One thing wrong with the chain.
    public struct Problem: Codable, Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Codable, Sendable {
            /// An entry's fields no longer give its hash.
            case altered
            /// Seals are missing: entries were deleted.
            case deleted
            /// Two entries claim one seal.
            case inserted
            /// An entry's link does not name the entry before it (moved, or its neighbour replaced).
            case broken
            /// A checkpoint's signature is not the hub's.
            case forgedCheckpoint = "forged-checkpoint"
            /// The chain at a checkpoint's seal is not what the hub signed (recomputed or cut short).
            case checkpointMismatch = "checkpoint-mismatch"
        }
        public var kind: Kind
        public var seal: Int?
        public var id: Int?
        public var message: String

        public var description: String { "\(kind.rawValue): \(message)" }
    }

    /// Every problem of `entries` (sealed ones are checked in seal order; unsealed ones
    /// are the newest, not yet chained) against `checkpoints`, whose signatures
    /// `isSigned` checks.
    public static func verify(_ entries: [Entry], checkpoints: [Checkpoint], isSigned: (Checkpoint) -> Bool) -> [Problem] {
        var problems: [Problem] = []
        let sealed = entries.filter { $0.seal != nil }.sorted { ($0.seal!, $0.id) < ($1.seal!, $1.id) }
        var expected = 1
        var previous = ""
        var hashAt: [Int: String] = [:]
        for entry in sealed {
            let seal = entry.seal!
            if seal < expected {
                problems.append(Problem(kind: .inserted, seal: seal, id: entry.id, message: "entry \(entry.id) claims seal \(seal), which another entry holds"))
            } else if seal > expected {
                problems.append(Problem(kind: .deleted, seal: expected, id: nil,
                                        message: "seal\(seal - expected > 1 ? "s \(expected)…\(seal - 1) are" : " \(expected) is") missing"))
            }
            if entry.hash(seal: seal, previous: entry.previousHash ?? "") != entry.entryHash {
                problems.append(Problem(kind: .altered, seal: seal, id: entry.id, message: "entry \(entry.id) (seal \(seal)) was changed after it was sealed"))
            } else if seal >= expected, entry.previousHash != previous {
                problems.append(Problem(kind: .broken, seal: seal, id: entry.id, message: "entry \(entry.id) (seal \(seal)) does not follow the entry sealed before it"))
            }
            previous = entry.entryHash ?? ""
            hashAt[seal] = entry.entryHash
            expected = max(expected, seal + 1)
        }
        for checkpoint in checkpoints {
            guard isSigned(checkpoint),
                  let statement = try? JSONDecoder().decode(CheckpointStatement.self, from: Data(checkpoint.statement.utf8)),
                  statement.seal == checkpoint.seal, statement.headHash == checkpoint.headHash
            else {
                problems.append(Problem(kind: .forgedCheckpoint, seal: checkpoint.seal, id: nil,
                                        message: "the checkpoint at seal \(checkpoint.seal) is not signed by the hub's key"))
                continue
            }
            if hashAt[checkpoint.seal] != checkpoint.headHash {
                problems.append(Problem(kind: .checkpointMismatch, seal: checkpoint.seal, id: nil,
                                        message: hashAt[checkpoint.seal] == nil
                                            ? "the hub signed the chain up to seal \(checkpoint.seal), which is gone"
                                            : "the chain at seal \(checkpoint.seal) differs from what the hub signed"))
            }
        }
        return problems
    }
}
