import CordonDomain
import Foundation

/// How a mirror's review desk behaves, as its operator chose.
public struct MirrorOptions: Sendable {
    /// The platform the mirror serves (set when the mirror opens).
    public var platform = UUID()
    /// How long an upload is kept (and re-checked): six months by default.
    public var retention: TimeInterval = 183 * 86_400
    /// How long a moderator's decision may be undone before it is published (Altitude's 60 s).
    public var undoWindow: TimeInterval = 60
    /// Collections whose decisions go back to the hub as feedback (opt-in).
    public var feedback: Set<UUID> = []
    /// Matches that remove at once, recorded as automated.
    public var automaticRemovals: [AutomaticRemoval] = []
    /// Where uploaded files are kept, when the platform preserves them
    /// (`cordon mirror --preserve-media`): moderators then see a blurred preview. Nil keeps
    /// none, only hashes, ids and times.
    public var mediaFolder: URL?
    /// The window for repeat uploaders, shown with each case.
    public var repeatWindow: TimeInterval = 30 * 86_400

    public init() {}

    /// The collection `name` names, by id (any case) or by name.
    public static func collection(_ name: String, in collections: [UUID: String]) -> UUID? {
        collections.first { $0.key.uuidString.lowercased() == name.lowercased() || $0.value == name }?.key
    }
}

/// An automatic action: a match in `collection` of one of `types`, no further than
/// `maxDistance` (exact digests are 0 apart), removes the upload at once.
public struct AutomaticRemoval: Sendable, Hashable {
    public var collection: UUID
    public var types: Set<SignalType>
    public var maxDistance: Int

    public init(collection: UUID, types: Set<SignalType>, maxDistance: Int = 0) {
        self.collection = collection
        self.types = types
        self.maxDistance = maxDistance
    }

    func applies(to signal: API.SignalOut, distance: Int) -> Bool {
        signal.collectionID == collection && types.contains(signal.type) && distance <= maxDistance && signal.status == .active
    }

    /// Reads `COLLECTION=TYPE[,TYPE…][@DISTANCE]` (for example `Trusted list=md5,sha256`
    /// or `Crisis=pdq@10`), naming the collection by id or name among `collections`.
    public static func parse(_ text: String, collections: [UUID: String]) throws(InvalidRule) -> AutomaticRemoval {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw InvalidRule("--auto-remove '\(text)': write COLLECTION=TYPE[,TYPE…][@DISTANCE], for example 'Trusted list=md5'")
        }
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        guard let collection = MirrorOptions.collection(name, in: collections) else {
            throw InvalidRule("--auto-remove '\(text)': the mirror copies no collection '\(name)'; it copies \(collections.values.sorted().joined(separator: ", "))")
        }
        let rule = parts[1].split(separator: "@", maxSplits: 1).map(String.init)
        var types: Set<SignalType> = []
        for word in rule[0].split(separator: ",") {
            guard let type = SignalType(rawValue: word.trimmingCharacters(in: .whitespaces)), [.pdq, .md5, .sha256].contains(type) else {
                throw InvalidRule("--auto-remove '\(text)': '\(word)' is not a type uploads are matched by (pdq, md5, sha256)")
            }
            types.insert(type)
        }
        var distance = 0
        if rule.count == 2 {
            guard let value = Int(rule[1]), (0...31).contains(value) else {
                throw InvalidRule("--auto-remove '\(text)': the distance after @ is 0 to 31")
            }
            distance = value
        }
        guard !types.isEmpty else { throw InvalidRule("--auto-remove '\(text)': name at least one type") }
        return AutomaticRemoval(collection: collection, types: types, maxDistance: distance)
    }
}

/// A rule that does not read, and how to write it.
public struct InvalidRule: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
