import CordonDomain
import Foundation

/// Writes a hash list in one of ``HashListFormat``'s formats.
public struct HashListWriter: Sendable {
    public var format: HashListFormat
    /// The bank (HMA dumps) or collection name the list is of.
    public var listName: String

    public init(format: HashListFormat, listName: String) {
        self.format = format
        self.listName = listName
    }

    /// Whether the format can carry a signal of this type: the list formats carry values,
    /// and a video's frames or a `.tmk` file are not a value (they travel in `cordon
    /// export --format feed`, the hub's own JSON).
    public func carries(_ type: SignalType) -> Bool {
        switch format {
        case .pytxFile, .csv, .hmaCSV, .hmaJSON: !type.hasPayload
        case .tat: [.pdq, .md5, .sha256].contains(type)
        case .threatExchangeJSON: [.pdq, .md5, .sha256, .url].contains(type)
        }
    }

    /// The file for `entries` (those it ``carries(_:)``); each entry's `id` is its signal
    /// id where it has one.
    public func write(_ entries: [(id: Int, entry: HashListEntry)]) -> Data {
        let entries = entries.filter { carries($0.entry.type) }
        switch format {
        case .pytxFile:
            return Data(entries.map { "\($0.entry.type.pytxName) \($0.entry.value)\n" }.joined().utf8)
        case .csv:
            var text = "type,value,categories,behaviours,entity,incident,item,confidence\n"
            for (_, entry) in entries {
                text += [entry.type.rawValue, entry.value, entry.labels.categories.map(\.rawValue).joined(separator: " "),
                         entry.labels.behaviours.map(\.rawValue).joined(separator: " "), entry.labels.entity ?? "",
                         entry.labels.incident ?? "", entry.item ?? "", String(entry.confidence)]
                    .map(CSV.field).joined(separator: ",") + "\n"
            }
            return Data(text.utf8)
        case .hmaCSV:
            let bank = ExchangeIdentifiers.bankName(listName)
            return Data(("bank,content_id,signal_type,signal\n" + entries.map {
                "\(bank),\($0.id),\($0.entry.type.pytxName),\($0.entry.value)\n"
            }.joined()).utf8)
        case .hmaJSON:
            let bank = ExchangeIdentifiers.bankName(listName)
            return json(entries.map { id, entry in
                ["id": id, "disable_until_ts": 0, "bank": ["name": bank, "matching_enabled_ratio": 1.0],
                 "signals": [entry.type.pytxName: entry.value]] as [String: Any]
            })
        case .tat:
            return json(["count": entries.count, "next": NSNull(), "previous": NSNull(), "results": entries.map { id, entry in
                ["hash_digest": entry.value, "algorithm": entry.type == .pdq ? "PDQ" : entry.type.rawValue.uppercased(),
                 "ideology": "unknown", "file_type": entry.type == .pdq ? "" : "mp4", "deleted": entry.deleted,
                 "updated_on": 0, "created_on": "", "id": id] as [String: Any]
            }] as [String: Any])
        case .threatExchangeJSON:
            return json(["data": entries.map { id, entry in
                let type = ["pdq": "HASH_PDQ", "md5": "HASH_MD5", "sha256": "HASH_SHA256", "url": "URI"][entry.type.rawValue]!
                let tags = entry.labels.tags + ([.md5, .sha256].contains(entry.type) ? [ThreatUpdatesPage.videoTag] : [])
                return ["id": String(id), "indicator": entry.value, "type": type, "should_delete": entry.deleted, "tags": tags,
                        "descriptors": ["data": [["id": "\(id)000", "status": "MALICIOUS", "tags": tags]]]] as [String: Any]
            }] as [String: Any])
        }
    }

    private func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    }
}
