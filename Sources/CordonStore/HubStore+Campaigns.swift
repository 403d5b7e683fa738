import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// Partners' campaigns, kept whole as JSON, and the reach platforms report for them.
extension HubStore {
    /// Every campaign, withdrawn ones too, oldest first.
    public func campaigns() async throws -> [Campaign] {
        try await bodies(Campaign.self, "SELECT body FROM campaigns ORDER BY created_at, id")
    }

    public func campaign(_ id: UUID) async throws -> Campaign? {
        try await bodies(Campaign.self, "SELECT body FROM campaigns WHERE id = \(bind: id.uuidString)").first
    }

    /// Stores a new campaign or a partner's edit of one.
    public func saveCampaign(_ campaign: Campaign, by caller: Caller, now: Date) async throws {
        let body = String(decoding: try Self.bodyEncoder.encode(campaign), as: UTF8.self)
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("""
                INSERT INTO campaigns (id, partner_id, body, created_at, updated_at)
                VALUES (\(bind: campaign.id.uuidString), \(bind: campaign.partnerID.uuidString), \(bind: body),
                        \(bind: now.timeIntervalSince1970), \(bind: now.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """).run()
            try await Self.audit(caller, campaign.withdrawn ? "campaign.withdraw" : "campaign.save", target: campaign.id.uuidString,
                                 detail: ["name": campaign.name], on: db)
        }
    }

    /// Makes the stored registry equal to `campaigns` (a mirror's copy of the hub's).
    public func replaceCampaigns(with campaigns: [Campaign], now: Date) async throws {
        let bodies = try campaigns.map { ($0, String(decoding: try Self.bodyEncoder.encode($0), as: UTF8.self)) }
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("DELETE FROM campaigns").run()
            for (campaign, body) in bodies {
                try await sql.raw("""
                    INSERT INTO campaigns (id, partner_id, body, created_at, updated_at)
                    VALUES (\(bind: campaign.id.uuidString), \(bind: campaign.partnerID.uuidString), \(bind: body),
                            \(bind: now.timeIntervalSince1970), \(bind: now.timeIntervalSince1970))
                    """).run()
            }
        }
    }

    /// Adds or replaces a platform's figures for one week and country.
    public func reportReach(_ rows: [CampaignReach], for campaign: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            for row in rows {
                try await sql.raw("""
                    INSERT INTO campaign_reach (campaign_id, platform_id, week, country, impressions, clicks, reported_at)
                    VALUES (\(bind: campaign.uuidString), \(bind: caller.organisationID.uuidString), \(bind: row.week), \(bind: row.country),
                            \(bind: row.impressions), \(bind: row.clicks), \(bind: now.timeIntervalSince1970))
                    ON CONFLICT (campaign_id, platform_id, week, country) DO UPDATE
                    SET impressions = excluded.impressions, clicks = excluded.clicks, reported_at = excluded.reported_at
                    """).run()
            }
            try await Self.audit(caller, "campaign.reach", target: campaign.uuidString, detail: ["rows": String(rows.count)], on: db)
        }
    }

    /// A campaign's reach summed over platforms, by week and country (never per platform).
    public func reach(of campaign: UUID) async throws -> [CampaignReach] {
        struct Row: Decodable { var week: String, country: String, impressions: Int, clicks: Int }
        return try await hub.sql.raw("""
            SELECT week, country, CAST(SUM(impressions) AS BIGINT) AS impressions, CAST(SUM(clicks) AS BIGINT) AS clicks FROM campaign_reach
            WHERE campaign_id = \(bind: campaign.uuidString) GROUP BY week, country ORDER BY week, country
            """).all(decoding: Row.self).map { CampaignReach(week: $0.week, country: $0.country, impressions: $0.impressions, clicks: $0.clicks) }
    }

    /// The records a query's `body` column holds, each kept whole as JSON.
    func bodies<T: Decodable>(_ type: T.Type, _ query: SQLQueryString) async throws -> [T] {
        try await hub.sql.raw(query).all(decoding: BodyRow.self).compactMap { try? Self.bodyDecoder.decode(T.self, from: Data($0.body.utf8)) }
    }

    /// How records kept whole as JSON (campaigns, notices, the register) are written.
    static let bodyEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let bodyDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}

extension HubStore {
    /// Which of `ids` name incidents (or drills) at the hub.
    public func existingIncidents(_ ids: [UUID]) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(try await IncidentRecord.query(on: db).filter(\.$id ~~ ids).all().compactMap(\.id))
    }
}

/// A row of a table that keeps its records whole as JSON.
private struct BodyRow: Decodable {
    var body: String
}
