import CordonDomain
@testable import CordonStore
import CordonTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// On SQLite the signals table has no unique index; the directory keeps (collection, type,
/// value) unique. These tests write one file through two hubs, as two processes would, so
/// each hub's directory misses what the other wrote until it reads the table.
@Suite struct SignalDirectoryTests {
    /// A SQLite file in a folder of its own, and a way to open a hub on it.
    struct File {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-directory-\(UUID())")
        var path: String { folder.appendingPathComponent("hub.sqlite").path }

        init() throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        func open() async throws -> HubDatabase {
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            return try await HubDatabase(.sqlite(path: path), logger: logger)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func hash() -> String { (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined() }

    static func member(_ name: String, of store: HubStore) async throws -> Caller {
        let record = try await store.createOrganisation(name: name, kind: .platform, by: nil)
        return Caller(organisationID: record.id!, organisationName: name, kind: .platform, keyID: UUID(), role: .contributor)
    }

    static func rows(of value: String, on hub: HubDatabase) async throws -> Int {
        try await (hub.database as! any SQLDatabase).select().column(SQLFunction("count", args: SQLLiteral.all), as: "n")
            .from("signals").where("value", .equal, value).first()!.decode(column: "n", as: Int.self)
    }

    static func outcomes(_ values: [String], to collection: UUID, by caller: Caller, in store: HubStore) async throws -> [SubmissionOutcome] {
        try await store.submit(values.map { SignalSubmission(type: .pdq, value: $0) }, to: collection, by: caller).results.map(\.outcome)
    }

    /// Two hubs on one file, a platform and its collection; `body` returns the hashes that
    /// must each be stored exactly once when it is done.
    static func withTwoWriters(
        _ body: (_ one: HubStore, _ two: HubStore, _ platform: Caller, _ collection: UUID) async throws -> [String]
    ) async throws {
        let file = try File()
        defer { file.remove() }
        let first = try await file.open(), second = try await file.open()
        let one = HubStore(first)
        let platform = try await member("Platform", of: one)
        let collection = try await one.createCollection(name: "shared", description: "", by: platform).id!
        for value in try await body(one, HubStore(second), platform, collection) {
            #expect(try await rows(of: value, on: first) == 1)
        }
        await first.close()
        await second.close()
    }

    @Test func aHashAnotherWriterAddedIsKnown() async throws {
        try await Self.withTwoWriters { one, two, platform, collection in
            let (a, b, c) = (Self.hash(), Self.hash(), Self.hash())
            #expect(try await Self.outcomes([a], to: collection, by: platform, in: one) == [.created])
            // The second hub reads the table on its first write; the first learns of `b` only from the table.
            #expect(try await Self.outcomes([a, b], to: collection, by: platform, in: two) == [.unchanged, .created])
            #expect(try await Self.outcomes([b, c], to: collection, by: platform, in: one) == [.unchanged, .created])
            let other = try await Self.member("Other", of: one)
            try await one.setMembership(collectionID: collection, organisationID: other.organisationID, access: .readWrite, by: platform)
            #expect(try await Self.outcomes([c], to: collection, by: other, in: two) == [.sourceAdded])
            return [a, b, c]
        }
    }

    /// Without `AUTOINCREMENT` a new row takes the id of a deleted newest one, and a hub that
    /// had read up to that id would never read the new row: the hash would be stored twice.
    @Test func idsOfDeletedRowsAreNotReused() async throws {
        try await Self.withTwoWriters { one, two, platform, collection in
            let (a, b, c) = (Self.hash(), Self.hash(), Self.hash())
            #expect(try await Self.outcomes([a, b], to: collection, by: platform, in: one) == [.created, .created])
            // Now the first hub has read up to `b`'s id.
            #expect(try await Self.outcomes([a], to: collection, by: platform, in: one) == [.unchanged])
            // As a purged drill's are: the newest row goes.
            try await (two.hub.database as! any SQLDatabase).delete(from: "signals").where("value", .equal, b).run()
            #expect(try await Self.outcomes([c], to: collection, by: platform, in: two) == [.created])
            #expect(try await Self.outcomes([c], to: collection, by: platform, in: one) == [.unchanged])
            #expect(try await Self.outcomes([b], to: collection, by: platform, in: one) == [.created])
            return [a, b, c]
        }
    }

    /// A file from before version 5 keeps its signals, and its hashes stay unique.
    @Test func theMigrationKeepsEverySignal() async throws {
        let file = try File()
        defer { file.remove() }
        var hub = try await file.open()
        var store = HubStore(hub)
        let platform = try await Self.member("Platform", of: store)
        let collection = try await store.createCollection(name: "shared", description: "", by: platform).id!
        let values = (0..<3).map { _ in Self.hash() }
        let labels = SignalLabels(categories: [.incitement], entity: "test entity")
        let stored = try await store.submit(values.map { SignalSubmission(type: .pdq, value: $0, labels: labels, confidence: 0.5) },
                                            to: collection, by: platform).results.map(\.signal)
        // Back to version 4 as far as signals go (the later migration that adds their
        // columns first), the rows kept: then opened again, as a version 4 file is.
        try await VideoSignalSchema().revert(on: hub.database)
        try await AppendOnlyLogs().revert(on: hub.database)
        try await (hub.database as! any SQLDatabase).delete(from: "_fluent_migrations")
            .where("name", .in, [String(reflecting: AppendOnlyLogs.self), String(reflecting: VideoSignalSchema.self)]).run()
        await hub.close()

        hub = try await file.open()
        store = HubStore(hub)
        for signal in stored {
            let read = try #require(try await store.signal(signal.id))
            #expect(read.value == signal.value && read.labels == labels && read.confidence == 0.5 && read.contributors == [platform.organisationID])
        }
        #expect(try await Self.outcomes(values + [Self.hash()], to: collection, by: platform, in: store) == [.unchanged, .unchanged, .unchanged, .created])
        let indexes = try await (hub.database as! any SQLDatabase).raw("SELECT name FROM sqlite_master WHERE tbl_name = 'signals' AND type = 'index'")
            .all().map { try $0.decode(column: "name", as: String.self) }
        #expect(indexes == ["signals_by_collection", "signals_by_file"])
        await hub.close()
    }
}
