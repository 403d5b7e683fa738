import CordonDomain
import CordonStore
import Foundation

extension MirrorDesk {
    /// A statement of reasons (DSA Art. 17) for each published removal after case `after`,
    /// oldest first, in the DSA Transparency Database's schema (`cordon dsa submit` sends
    /// them). Removals stay on the decision's case, so the statements are the same however
    /// often they are exported.
    public func statements(after: Int, limit: Int, by caller: Caller) async throws -> ReviewStatementPage {
        try services.mayAttempt(.exportStatements, caller)
        guard (1...1000).contains(limit) else { throw ServiceError.invalid("limit", "limit is 1 to 1,000; got \(limit)") }
        let items = try await services.store.publishedRemovals(after: after, limit: limit)
        let uploads = try await services.store.uploads(Set(items.map(\.uploadID)))
        var statements: [StatementOfReasons] = []
        for item in items {
            var categories: [ContentCategory] = []
            var isImage = false
            for match in item.matches {
                guard let signal = try? await services.signal(match.signalID, by: caller) else { continue }
                isImage = isImage || signal.type == .pdq
                categories += signal.labels.categories.filter { !categories.contains($0) }
            }
            if let reason = item.reason.flatMap(ContentCategory.init(rawValue:)), !categories.contains(reason) { categories.insert(reason, at: 0) }
            let upload = uploads[item.uploadID]
            statements.append(StatementOfReasons(StatementOfReasons.HashMatchDecision(
                platformID: options.platform, caseID: item.id, uploadedAt: upload?.receivedAt ?? item.openedAt,
                decidedAt: item.decidedAt ?? item.openedAt, categories: categories, isImage: isImage, automated: item.automated)))
        }
        return ReviewStatementPage(statements: statements, next: items.count == limit ? items.last?.id : nil)
    }
}

/// `GET /v1/review/statements`: pass `next` as `after` for the following page.
public struct ReviewStatementPage: Codable, Sendable {
    public var statements: [StatementOfReasons]
    public var next: Int?
}
