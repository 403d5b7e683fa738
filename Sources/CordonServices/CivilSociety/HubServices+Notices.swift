import CordonDomain
import CordonStore
import Crypto
import Foundation

/// Notices from trusted flaggers and community workers (DSA Art. 16): taken in with the
/// four required elements, confirmed with a signed receipt, queued at the platform with
/// trusted flaggers' notices first and on a timer (Art. 22), decided with the notifier's
/// redress; the register of trusted flaggers with their precision and misuse counts.
extension HubServices {
    public func submitNotice(_ command: API.NoticeIn, by caller: Caller) async throws -> API.NoticeReceipt {
        try authorise(.submitNotice, caller)
        _ = try await storeCall {
            try await store.organisation(command.platform, field: "platform", kinds: [.platform], role: "a hosting platform")
        }
        let explanation = try Validation.text(command.explanation, field: "explanation",
                                              "explain why the content is illegal: a sufficiently substantiated explanation (Art. 16(2)(a))")
        guard (1...100).contains(command.urls.count) else {
            throw ServiceError.invalid("urls", "give the exact location: 1 to 100 URLs (Art. 16(2)(b))")
        }
        let urls = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs(command.urls, field: "urls") }.map(\.normalised)
        let locator = try Validation.note(command.locator, field: "locator")
        let name = try Validation.name(command.notifierName, field: "notifierName")
        let email = command.notifierEmail.trimmingCharacters(in: .whitespaces)
        guard email.wholeMatch(of: /[^@\s]+@[^@\s]+\.[^@\s]+/) != nil, email.count <= 254 else {
            throw ServiceError.invalid("notifierEmail", "give the notifier's email address (Art. 16(2)(c)), such as name@example.org")
        }
        guard command.bonaFide else {
            throw ServiceError.invalid("bonaFide", "confirm in good faith that the notice is accurate and complete (Art. 16(2)(d))")
        }
        let categories = command.categories ?? []
        let received = now()
        let flagger = try await store.trustedFlagger(caller.organisationID)
        let priority = flagger.map { $0.isActive(at: received) && $0.covers(categories) } ?? false
        let notice = Notice(
            id: 0, notifierID: caller.organisationID, notifierOrganisation: caller.organisationName, platformID: command.platform,
            explanation: explanation, urls: urls, locator: locator.isEmpty ? nil : locator, notifierName: name, notifierEmail: email,
            bonaFide: true, categories: categories, receivedAt: received, priority: priority,
            dueAt: priority ? flagger.map { received.addingTimeInterval(TimeInterval($0.responseHours) * 3600) } : nil)
        let stored = try await storeCall { try await store.addNotice(notice, by: caller) }
        let canonical = try CanonicalJSON(encoding: stored).bytes
        let statement = API.NoticeReceiptStatement(notice: stored.id, platform: stored.platformID, receivedAt: HubStore.iso(received),
                                                   sha256: SHA256.hash(data: canonical).map { String(format: "%02x", $0) }.joined())
        return API.NoticeReceipt(notice: stored, receipt: try notary.sign(statement))
    }

    /// The platform's queue (notices to it) and the notifier's sent notices, as the
    /// caller's organisation stands; every notice for overseers.
    public func notices(open: Bool?, limit: Int, by caller: Caller) async throws -> [API.NoticeOut] {
        try authorise(.listNotices, caller)
        let everything = [.operator, .auditor].contains(caller.kind)
        let found = try await store.notices(platform: everything ? nil : caller.organisationID,
                                            notifier: everything ? nil : caller.organisationID, open: open, limit: limit)
        return found.map(out)
    }

    public func notice(_ id: Int, by caller: Caller) async throws -> API.NoticeOut {
        out(try await authorisedNotice(.readNotice, id, caller))
    }

    /// The platform decides; the notifier reads the decision and its redress.
    public func decideNotice(_ id: Int, _ command: API.NoticeDecisionIn, by caller: Caller) async throws -> API.NoticeOut {
        _ = try await authorisedNotice(.decideNotice, id, caller)
        guard ["law", "terms"].contains(command.ground) else {
            throw ServiceError.invalid("ground", "ground is law (illegal content) or terms (the platform's terms and conditions); got '\(command.ground)'")
        }
        let explanation = try Validation.text(command.explanation, field: "explanation", "explain the decision to the notifier")
        let redress = try Validation.note(command.redress, field: "redress")
        let assessment = command.assessment ?? .substantiated
        if command.action.isAction, assessment != .substantiated {
            throw ServiceError.invalid("assessment", "a notice acted on was substantiated; \(assessment.rawValue) goes with no-action")
        }
        let decision = NoticeDecision(action: command.action, ground: command.ground, explanation: explanation,
                                      automated: command.automated ?? false, assessment: assessment, decidedAt: now(),
                                      redress: redress.isEmpty ? NoticeDecision.standardRedress(platform: caller.organisationName) : redress)
        return out(try await storeCall { try await store.decideNotice(id, decision, by: caller) })
    }

    private func out(_ notice: Notice) -> API.NoticeOut {
        API.NoticeOut(notice: notice, overdue: notice.decision == nil && notice.dueAt.map { $0 < now() } == true)
    }

    /// The notice, if the caller may do `useCase` on it: its platform is the addressee,
    /// its notifier the issuer.
    private func authorisedNotice(_ useCase: UseCase, _ id: Int, _ caller: Caller) async throws -> Notice {
        guard let notice = try await store.notice(id) else { throw ServiceError.notFound("notice", "no notice \(id)") }
        var relations: [Relation] = []
        if notice.platformID == caller.organisationID { relations.append(.addressee) }
        if notice.notifierID == caller.organisationID { relations.append(.issuer) }
        try authorise(useCase, caller, relations.isEmpty ? [.unrelated] : relations, field: "notice", notFound: "no notice \(id)")
        return notice
    }

    // MARK: The register

    /// The operator records a Digital Services Coordinator's award (or changes it).
    public func registerTrustedFlagger(_ organisation: UUID, _ command: API.TrustedFlaggerIn, by caller: Caller) async throws -> API.TrustedFlaggerOut {
        try authorise(.registerTrustedFlagger, caller)
        guard let record = try await store.organisations([organisation])[organisation] else {
            throw ServiceError.notFound("organisation", "no organisation \(organisation)")
        }
        // Recital 61: an internet referral unit can be a trusted flagger for terrorist content; platforms cannot.
        guard let kind = OrganisationKind(rawValue: record.kind), [.trustedFlagger, .referralUnit, .partner].contains(kind) else {
            throw ServiceError.invalid("organisation", "trusted-flagger status goes to an entity independent of platforms: a trusted flagger, referral unit or partner, not a \(record.kind)")
        }
        let authority = try Validation.name(command.awardingAuthority, field: "awardingAuthority")
        let independence = try Validation.text(command.independence, field: "independence",
                                               "describe how the entity keeps its independence (published in its yearly report)")
        let hours = command.responseHours ?? 24
        guard (1...720).contains(hours) else { throw ServiceError.invalid("responseHours", "responseHours is 1 to 720") }
        let from = try command.validFrom.map { try Validation.date($0, field: "validFrom") } ?? now()
        let until = try command.validUntil.map { try Validation.date($0, field: "validUntil") }
        if let until, until <= from { throw ServiceError.invalid("validUntil", "validUntil comes after validFrom") }
        let current = try await store.trustedFlagger(organisation)
        let flagger = TrustedFlagger(organisationID: organisation, name: record.name, awardingAuthority: authority,
                                     expertise: command.expertise ?? [], validFrom: from, validUntil: until,
                                     suspended: current?.suspended ?? false, suspensionReason: current?.suspensionReason,
                                     responseHours: hours, independence: independence)
        try await storeCall { try await store.saveTrustedFlagger(flagger, action: current == nil ? "register" : "update", by: caller, now: now()) }
        return try await entry(flagger)
    }

    /// Suspends the status (the coordinator investigates misuse, Art. 22(6)) or, with a
    /// nil reason, reinstates it.
    public func suspendTrustedFlagger(_ organisation: UUID, reason: String?, by caller: Caller) async throws -> API.TrustedFlaggerOut {
        try authorise(.registerTrustedFlagger, caller)
        guard var flagger = try await store.trustedFlagger(organisation) else {
            throw ServiceError.notFound("organisation", "\(organisation) is not in the register of trusted flaggers")
        }
        if let reason {
            flagger.suspensionReason = try Validation.text(reason, field: "reason", "say why the status is suspended")
        } else {
            flagger.suspensionReason = nil
        }
        flagger.suspended = reason != nil
        try await storeCall { try await store.saveTrustedFlagger(flagger, action: reason == nil ? "reinstate" : "suspend", by: caller, now: now()) }
        return try await entry(flagger)
    }

    /// The register, each entry with its notices' record.
    public func trustedFlaggers(by caller: Caller) async throws -> [API.TrustedFlaggerOut] {
        try authorise(.listTrustedFlaggers, caller)
        var out: [API.TrustedFlaggerOut] = []
        for flagger in try await store.trustedFlaggers() { out.append(try await entry(flagger)) }
        return out.sorted { $0.flagger.name < $1.flagger.name }
    }

    /// A register entry with its notices' record.
    private func entry(_ flagger: TrustedFlagger) async throws -> API.TrustedFlaggerOut {
        let date = now()
        let sent = try await store.notices(platform: nil, notifier: flagger.organisationID, open: nil, limit: 1_000_000)
        let decided = sent.compactMap(\.decision)
        return API.TrustedFlaggerOut(
            flagger: flagger, active: flagger.isActive(at: date), notices: sent.count, decided: decided.count,
            precision: Self.precision(decided),
            insufficientlyPrecise: decided.count { $0.assessment == .insufficientlyPrecise },
            manifestlyUnfounded: decided.count { $0.assessment == .manifestlyUnfounded },
            overdue: sent.count { $0.decision == nil && $0.dueAt.map { $0 < date } == true })
    }

    /// Acted on ÷ decided; nil before any decision.
    static func precision(_ decided: [NoticeDecision]) -> Double? {
        decided.isEmpty ? nil : Double(decided.count { $0.action.isAction }) / Double(decided.count)
    }

    /// A trusted flagger's yearly report: by platform, content type and action; no personal data.
    public func flaggerReport(_ organisation: UUID, year: Int, by caller: Caller) async throws -> API.FlaggerReport {
        try authorise(.readFlaggerReport, caller, organisation == caller.organisationID ? .own : .unrelated, field: "organisation")
        guard let flagger = try await store.trustedFlagger(organisation) else {
            throw ServiceError.notFound("organisation", "\(organisation) is not in the register of trusted flaggers")
        }
        let (from, to) = try Self.calendarYear(year)
        let sent = try await store.notices(receivedFrom: from, to: to).filter { $0.notifierID == organisation }
        let platforms = try await store.organisations(Set(sent.map(\.platformID)))
        var counts: [API.FlaggerReport.Row: Int] = [:]
        for notice in sent {
            let platform = platforms[notice.platformID]?.name ?? notice.platformID.uuidString
            let action = notice.decision?.action.rawValue ?? "pending"
            for category in notice.categories.isEmpty ? ["unspecified"] : notice.categories.map(\.rawValue) {
                counts[API.FlaggerReport.Row(platform: platform, category: category, action: action, notices: 0), default: 0] += 1
            }
        }
        let decided = sent.compactMap(\.decision)
        let hours = sent.compactMap { notice in notice.decision.map { $0.decidedAt.timeIntervalSince(notice.receivedAt) / 3600 } }.sorted()
        return API.FlaggerReport(
            organisation: flagger.name, year: year, awardingAuthority: flagger.awardingAuthority, independence: flagger.independence,
            notices: sent.count,
            rows: counts.map { var row = $0.key; row.notices = $0.value; return row }
                .sorted { ($0.platform, $0.category, $0.action) < ($1.platform, $1.category, $1.action) },
            precision: Self.precision(decided),
            medianHoursToDecision: Self.median(hours))
    }

    /// The UTC instants `year` starts and ends.
    static func calendarYear(_ year: Int) throws -> (Date, Date) {
        guard (2000...2100).contains(year) else { throw ServiceError.invalid("year", "year is a calendar year such as 2026") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return (calendar.date(from: DateComponents(year: year, month: 1, day: 1))!, calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!)
    }

    static func median(_ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
