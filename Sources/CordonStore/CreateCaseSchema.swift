import FluentKit
import SQLKit

/// Version 2: the referral desk (cases, their URLs, checks and events, holds, signing keys,
/// complaints, preservation, webhooks) and each organisation's member state.
struct CreateCaseSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationRecord.schema).field("member_state", .string).update()
        try await database.schema(CaseRecord.schema)
            .id()
            .field("kind", .string, .required)
            .field("issuer_id", .uuid, .required)
            .field("platform_id", .uuid, .required)
            .field("reference", .string, .required)
            .field("state", .string, .required)
            .field("urls", .string, .required)
            .field("hashes", .string, .required)
            .field("categories", .string, .required)
            .field("statement", .string, .required)
            .field("emergency", .bool, .required)
            .field("first_order", .bool, .required)
            .field("order_json", .string)
            .field("signature", .string)
            .field("signing_key_id", .uuid)
            .field("non_disclosure_until", .datetime)
            .field("sent_at", .datetime, .required)
            .field("received_at", .datetime, .required)
            .field("receipt", .string)
            .field("acknowledged_at", .datetime)
            .field("deadline_at", .datetime)
            .field("paused_at", .datetime)
            .field("pause_reason", .string)
            .field("pause_detail", .string)
            .field("alerts_sent", .int, .required)
            .field("next_alert_at", .datetime)
            .field("breached_at", .datetime)
            .field("removed_at", .datetime)
            .field("removal_action", .string)
            .field("removal_seconds", .double)
            .field("refusal_reason", .string)
            .field("closed_at", .datetime)
            .field("reinstatable", .bool, .required)
            .field("reinstated_at", .datetime)
            .field("scrutiny_authority_id", .uuid)
            .field("scrutiny_requested_at", .datetime)
            .field("scrutiny_outcome", .string)
            .field("scrutiny_decided_at", .datetime)
            .field("scrutiny_reasons", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(CaseURLRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("case_id", .uuid, .required)
            .field("issuer_id", .uuid, .required)
            .field("url", .string, .required)
            .field("host", .string, .required)
            .field("status", .string, .required)
            .field("next_check_at", .datetime)
            .field("last_checked_at", .datetime)
            .field("gone_at", .datetime)
            .create()
        try await database.schema(URLCheckRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("case_url_id", .int, .required)
            .field("case_id", .uuid, .required)
            .field("at", .datetime, .required)
            .field("outcome", .string, .required)
            .field("status_code", .int)
            .field("detail", .string, .required)
            .create()
        try await database.schema(CaseEventRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("case_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("issuer_id", .uuid, .required)
            .field("platform_id", .uuid, .required)
            .field("scrutiny_authority_id", .uuid)
            .field("at", .datetime, .required)
            .field("detail", .string, .required)
            .create()
        try await database.schema(HoldRecord.schema)
            .id()
            .field("authority_id", .uuid, .required)
            .field("url", .string)
            .field("domain", .string)
            .field("reason", .string, .required)
            .field("created_at", .datetime, .required)
            .field("until", .datetime)
            .field("lifted_at", .datetime)
            .create()
        try await database.schema(SigningKeyRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required)
            .field("public_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await database.schema(ComplaintRecord.schema)
            .id()
            .field("case_id", .uuid, .required)
            .field("platform_id", .uuid, .required)
            .field("statement", .string, .required)
            .field("filed_at", .datetime, .required)
            .field("outcome", .string)
            .field("decided_at", .datetime)
            .field("reasons", .string)
            .create()
        try await database.schema(PreservationRecord.schema)
            .id()
            .field("case_id", .uuid, .required)
            .field("platform_id", .uuid, .required)
            .field("content_reference", .string, .required)
            .field("hashes", .string, .required)
            .field("metadata", .string, .required)
            .field("evidence", .data)
            .field("preserved_at", .datetime, .required)
            .field("keep_until", .datetime, .required)
            .field("legal_hold_until", .datetime)
            .field("purged_at", .datetime)
            .create()
        try await database.schema(WebhookRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required)
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("events", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await database.schema(WebhookDeliveryRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("webhook_id", .uuid, .required)
            .field("event_id", .int, .required)
            .field("event_kind", .string, .required)
            .field("body", .string, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("delivered_at", .datetime)
            .create()
        try await database.schema(HubSettingRecord.schema)
            .field("name", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // Inbox, issued list and reports read by party and time; the alarm and the
        // checker read what is due; de-confliction reads by URL and host.
        let indexes: [(String, String, [String])] = [
            ("cases_by_platform", CaseRecord.schema, ["platform_id", "received_at"]),
            ("cases_by_issuer", CaseRecord.schema, ["issuer_id", "received_at"]),
            ("cases_by_alert", CaseRecord.schema, ["next_alert_at"]),
            ("case_urls_by_url", CaseURLRecord.schema, ["url"]),
            ("case_urls_by_host", CaseURLRecord.schema, ["host"]),
            ("case_urls_by_check", CaseURLRecord.schema, ["next_check_at"]),
            ("case_urls_by_case", CaseURLRecord.schema, ["case_id"]),
            ("url_checks_by_case", URLCheckRecord.schema, ["case_id"]),
            ("case_events_by_platform", CaseEventRecord.schema, ["platform_id", "id"]),
            ("case_events_by_issuer", CaseEventRecord.schema, ["issuer_id", "id"]),
            ("complaints_by_case", ComplaintRecord.schema, ["case_id"]),
            ("preservations_by_case", PreservationRecord.schema, ["case_id"]),
            ("deliveries_by_due", WebhookDeliveryRecord.schema, ["state", "next_attempt_at"]),
        ]
        for (name, table, columns) in indexes {
            var index = sql.create(index: SQLIdentifier(name)).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [HubSettingRecord.schema, WebhookDeliveryRecord.schema, WebhookRecord.schema, PreservationRecord.schema,
                       ComplaintRecord.schema, SigningKeyRecord.schema, HoldRecord.schema, CaseEventRecord.schema,
                       URLCheckRecord.schema, CaseURLRecord.schema, CaseRecord.schema] {
            try await database.schema(schema).delete()
        }
        try await database.schema(OrganisationRecord.schema).deleteField("member_state").update()
    }
}
