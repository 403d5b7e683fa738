import CordonDomain
import Foundation
import SQLiteNIO

extension StoredSignal {
    /// Reads a `signals` row straight from SQLite's values. Start-up reads a million of
    /// these, and SQLKit's generic column decoding was a fifth of its time.
    init?(sqlite row: SQLiteRow) {
        guard case .integer(let id) = row.column("id"),
              case .text(let collection) = row.column("collection_id"), let collectionID = Self.uuid(collection),
              case .text(let type) = row.column("type"), let signalType = SignalType(rawValue: type),
              case .text(let value) = row.column("value"),
              case .text(let status) = row.column("status"), let signalStatus = SignalStatus(rawValue: status),
              case .text(let labels) = row.column("labels"),
              case .text(let sources) = row.column("sources")
        else { return nil }
        let confidence: Double
        switch row.column("confidence") {
        case .float(let number): confidence = number
        case .integer(let number): confidence = Double(number)
        default: confidence = 1
        }
        var item: String?, payload: [UInt8]?, fileMD5: String?, fileSHA256: String?
        if case .text(let text) = row.column("item") { item = text }
        if case .blob(let bytes) = row.column("payload") { payload = Array(bytes.readableBytesView) }
        if case .text(let text) = row.column("file_md5") { fileMD5 = text }
        if case .text(let text) = row.column("file_sha256") { fileSHA256 = text }
        self.init(
            id: id, collectionID: collectionID, type: signalType, value: value, item: item,
            labels: Self.labels(labels), confidence: confidence, status: signalStatus,
            contributors: Self.sources(sources),
            createdAt: row.column("created_at").flatMap(Date.init(sqliteData:)),
            updatedAt: row.column("updated_at").flatMap(Date.init(sqliteData:)),
            payload: payload, fileMD5: fileMD5, fileSHA256: fileSHA256)
    }
}
