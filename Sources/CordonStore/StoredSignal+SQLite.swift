import CordonDomain
import Foundation
import SQLiteNIO

extension StoredSignal {
    /// The texts a run of rows repeats (collection, labels, contributors), each parsed once
    /// per run: looking each up in the shared memo hashed three long strings a row, under
    /// a lock, a third of reading a million at start-up.
    struct RowMemo {
        var collection: (text: String, id: UUID)?
        var labels: (text: String, labels: SignalLabels)?
        var sources: (text: String, ids: [UUID])?

        init() {}
    }

    /// Reads a `signals` row straight from SQLite's values (start-up reads a million of
    /// these, and SQLKit's generic column decoding was a fifth of its time), with the texts
    /// the previous row of a run had in `memo`.
    init?(sqlite row: SQLiteRow, memo: inout RowMemo) {
        guard case .integer(let id) = row.column("id"),
              case .text(let collection) = row.column("collection_id"),
              case .text(let type) = row.column("type"), let signalType = SignalType(rawValue: type),
              case .text(let value) = row.column("value"),
              case .text(let status) = row.column("status"), case let signalStatus = StoredSignal.status(status),
              case .text(let labels) = row.column("labels"),
              case .text(let sources) = row.column("sources")
        else { return nil }
        if memo.collection?.text != collection {
            guard let parsed = Self.uuid(collection) else { return nil }
            memo.collection = (collection, parsed)
        }
        if memo.labels?.text != labels { memo.labels = (labels, Self.labels(labels)) }
        if memo.sources?.text != sources { memo.sources = (sources, Self.sources(sources)) }
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
            id: id, collectionID: memo.collection!.id, type: signalType, value: value, item: item,
            labels: memo.labels!.labels, confidence: confidence, status: signalStatus,
            contributors: memo.sources!.ids,
            createdAt: row.column("created_at").flatMap(Date.init(sqliteData:)),
            updatedAt: row.column("updated_at").flatMap(Date.init(sqliteData:)),
            payload: payload, fileMD5: fileMD5, fileSHA256: fileSHA256)
    }
}
