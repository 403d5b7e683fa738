import CordonDomain
import Foundation
import NIOCore
import PostgresNIO

extension StoredSignal {
    /// Reads a `signals` row straight from PostgreSQL's cells, typed: SQLKit's decoding by
    /// column name made two bench/load replicas spend most of their time in feed pages, and
    /// matches waited behind them on the same event loops for seconds.
    init(postgres row: PostgresRandomAccessRow, memo: inout RowMemo) throws {
        let collection = try row["collection_id"].decode(UUID.self)
        if memo.collection?.id != collection { memo.collection = (collection.uuidString, collection) }
        let labels = try row["labels"].decode(String.self), sources = try row["sources"].decode(String.self)
        if memo.labels?.text != labels { memo.labels = (labels, Self.labels(labels)) }
        if memo.sources?.text != sources { memo.sources = (sources, Self.sources(sources)) }
        self.init(
            id: try row["id"].decode(Int.self), collectionID: collection,
            type: SignalType(rawValue: try row["type"].decode(String.self)) ?? .pdq,
            value: try row["value"].decode(String.self), item: try row["item"].decode(String?.self),
            labels: memo.labels!.labels, confidence: try row["confidence"].decode(Double.self),
            status: Self.status(try row["status"].decode(String.self)), contributors: memo.sources!.ids,
            createdAt: try row["created_at"].decode(Date?.self), updatedAt: try row["updated_at"].decode(Date?.self),
            payload: try row["payload"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) },
            fileMD5: try row["file_md5"].decode(String?.self), fileSHA256: try row["file_sha256"].decode(String?.self))
    }
}

extension HubStore {
    /// ``changes(after:in:limit:)`` on PostgreSQL: the same query, its rows decoded by type.
    func postgresChanges(after cursor: Int, in collectionID: UUID?, limit: Int, on postgres: any PostgresDatabase) async throws -> [SignalChange] {
        var binds = PostgresBindings()
        binds.append(cursor)
        if let collectionID { binds.append(collectionID) }
        binds.append(limit)
        let query = PostgresQuery(unsafeSQL: HubStore.changesStatement(inCollection: collectionID != nil) { "$\($0)" }, binds: binds)
        let logger = postgres.logger
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var changes: [SignalChange] = []
                var memo = StoredSignal.RowMemo()
                for try await row in try await connection.query(query, logger: logger) {
                    let cells = row.makeRandomAccess()
                    changes.append(SignalChange(
                        cursor: try cells["cursor"].decode(Int.self),
                        kind: ChangeKind(rawValue: try cells["change_kind"].decode(String.self)) ?? .updated,
                        at: try cells["change_at"].decode(Date?.self),
                        signal: try StoredSignal(postgres: cells, memo: &memo)))
                }
                return changes
            }
        }.get()
    }
}
