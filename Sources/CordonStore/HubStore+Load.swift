import FluentKit
import Foundation

extension HubStore {
    /// Stores cases and their URLs as they are, in batches, without audit records or
    /// events: for bringing in the history of a previous system, and for load benchmarks.
    /// Each batch is one transaction; a failed batch leaves the batches before it stored.
    public func loadCases(_ cases: [CaseRecord], urls: [CaseURLRecord], batch: Int = 500) async throws {
        for start in stride(from: 0, to: cases.count, by: batch) {
            let slice = Array(cases[start..<min(start + batch, cases.count)])
            try await hub.write([.cases]) { db in try await slice.create(on: db) }
        }
        for start in stride(from: 0, to: urls.count, by: batch) {
            let slice = Array(urls[start..<min(start + batch, urls.count)])
            try await hub.write([]) { db in try await slice.create(on: db) }
        }
    }
}
