import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// Opens a case in the platform's inbox: checks who may issue it to whom,
    /// de-conflicts its URLs, starts an order's clock and tells both sides. All in one
    /// transaction, so a refused case leaves nothing behind.
    public func openCase(
        _ new: NewCase, by caller: Caller, sentAt: Date, receivedAt: Date, receipt: String?, rules: DeskRules
    ) async throws -> CaseRecord {
        try await hub.write([.cases]) { db in
            let platform = try await Self.organisation(new.platformID, field: "platform", kinds: [.platform], role: "a hosting platform", on: db)
            try await Self.deconflict(new, by: caller, now: receivedAt, on: db)
            let record = CaseRecord()
            record.id = new.id
            record.kind = new.kind.rawValue
            record.issuerID = caller.organisationID
            record.platformID = new.platformID
            record.reference = new.reference
            record.state = CaseState.received.rawValue
            record.urls = Self.json(new.urls.map(\.normalised))
            record.hashes = Self.json(new.hashes)
            record.categories = Self.json(new.categories)
            record.statement = new.statement
            record.emergency = new.emergency
            record.orderJSON = new.signedOrder?.canonicalJSON
            record.signature = new.signedOrder?.signature
            record.signingKeyID = new.signedOrder?.keyID
            record.nonDisclosureUntil = new.nonDisclosureUntil
            record.sentAt = sentAt
            record.receivedAt = receivedAt
            record.receipt = receipt
            record.alertsSent = 0
            record.reinstatable = false
            record.firstOrder = false
            record.updatedAt = receivedAt
            if new.kind == .removalOrder {
                record.firstOrder = try await CaseRecord.query(on: db)
                    .filter(\.$issuerID == caller.organisationID).filter(\.$platformID == new.platformID)
                    .filter(\.$kind == CaseKind.removalOrder.rawValue).first() == nil
                let deadline = rules.clock.deadline(from: receivedAt, firstOrder: record.firstOrder, emergency: new.emergency)
                record.deadlineAt = deadline
                record.nextAlertAt = rules.clock.alerts(deadline: deadline, sent: [], now: receivedAt).next
                record.scrutinyAuthorityID = try await Self.homeAuthority(of: platform, issuer: caller.organisationID, on: db)
            }
            try await record.create(on: db)
            // No check while the order's non-disclosure runs: a fetch from the hub would tell
            // the host (and a content provider reading its logs) that an order exists.
            let firstCheck = max(receivedAt.addingTimeInterval(rules.firstCheckAfter), new.nonDisclosureUntil ?? .distantPast)
            for url in new.urls {
                try await CaseURLRecord(caseID: new.id, issuerID: caller.organisationID, url: url.normalised, host: url.host,
                                        nextCheckAt: firstCheck).create(on: db)
            }
            try await Self.audit(caller, "\(new.kind.rawValue).issue", target: new.id.uuidString,
                                 detail: ["platform": new.platformID.uuidString, "reference": new.reference,
                                          "urls": String(new.urls.count), "override": String(new.override)], on: db)
            try await Self.recordEvent(.received, of: record, at: receivedAt,
                                       detail: ["kind": new.kind.rawValue, "reference": new.reference], on: db)
            return record
        }
    }

    /// Refuses URLs under another authority's hold, and (unless overridden) URLs that
    /// another issuer's case, or an open case of the same kind, already covers.
    private static func deconflict(_ new: NewCase, by caller: Caller, now: Date, on db: any Database) async throws {
        let texts = new.urls.map(\.normalised)
        var items: [DeconflictionError.Item] = []
        var held = false
        let holds = try await HoldRecord.query(on: db).filter(\.$liftedAt == nil)
            .filter(\.$authorityID != caller.organisationID).all()
            .filter { $0.until.map { $0 > now } ?? true }
        let canSeeHolds = caller.kind == .authority || caller.kind == .referralUnit
        for (index, url) in new.urls.enumerated() {
            for hold in holds where hold.url == url.normalised || hold.domain.map({ url.isUnder(domain: $0) }) == true {
                held = true
                items.append(.init(index: index, url: url.normalised, message: canSeeHolds
                    ? "held by another authority (hold \(hold.id!)): linked to an investigation; contact them before referring"
                    : "this URL cannot be referred now; ask the hub operator"))
            }
        }
        if !new.override {
            let existing = try await CaseURLRecord.query(on: db).filter(\.$url ~~ texts).all()
            let cases = Dictionary(uniqueKeysWithValues: try await CaseRecord.query(on: db)
                .filter(\.$id ~~ Set(existing.map(\.caseID))).all().map { ($0.id!, $0) })
            for row in existing {
                guard let other = cases[row.caseID], let state = CaseState(rawValue: other.state),
                      state.isOpen || state == .removed else { continue }
                let sameIssuer = other.issuerID == caller.organisationID
                if sameIssuer && (other.kind != new.kind.rawValue || !state.isOpen) { continue }
                let index = texts.firstIndex(of: row.url) ?? 0
                // Authorities and referral units coordinate with each other; anyone else
                // (a trusted flagger) learns only that the platform has the URL already,
                // not which authority ordered what.
                items.append(.init(index: index, url: row.url, message: sameIssuer || canSeeHolds
                    ? "already in \(other.kind) \(other.id!) (\(other.state)) by \(sameIssuer ? "you" : "another issuer"): see GET /v1/cases/\(other.id!); send \"override\": true to issue anyway"
                    : "already before the platform in another case; send \"override\": true to refer it anyway"))
            }
        }
        if !items.isEmpty { throw DeconflictionError(items: items.sorted { $0.index < $1.index }, held: held) }
    }

    /// The authority of the platform's home member state, for a cross-border order.
    private static func homeAuthority(of platform: OrganisationRecord, issuer: UUID, on db: any Database) async throws -> UUID? {
        guard let home = platform.memberState,
              let issuerState = try await OrganisationRecord.find(issuer, on: db)?.memberState,
              issuerState != home
        else { return nil }
        return try await OrganisationRecord.query(on: db).filter(\.$kind == OrganisationKind.authority.rawValue)
            .filter(\.$memberState == home).sort(\.$name).first()?.id
    }

    /// One case, if `caller` is a party to it (issuer, platform, or scrutinising authority).
    /// A case, unscoped: the services decide who may see it.
    public func `case`(_ id: UUID) async throws -> CaseRecord? {
        try await CaseRecord.find(id, on: db)
    }

    public func `case`(_ id: UUID, for caller: Caller) async throws -> CaseRecord {
        guard let record = try await CaseRecord.find(id, on: db), Self.party(caller, record) != nil || record.scrutinyAuthorityID == caller.organisationID
        else { throw StoreError.notFound(field: "case", message: "no case \(id) addressed to or issued by your organisation") }
        return record
    }

    /// Which side of the case the caller is on, if any.
    static func party(_ caller: Caller, _ record: CaseRecord) -> CaseParty? {
        if caller.organisationID == record.platformID { return .platform }
        if caller.organisationID == record.issuerID { return .issuer }
        return nil
    }

    /// Whose cases a list shows.
    public enum CaseView: String, Sendable, CaseIterable {
        /// Addressed to the caller (a platform's inbox).
        case inbox
        /// Issued by the caller.
        case issued
        /// Copies for scrutiny by the caller (the platform's home authority).
        case scrutiny
    }

    /// A page of cases, newest first; `before` is the `receivedAt` of the last one seen.
    public func cases(_ view: CaseView, for caller: Caller, kind: CaseKind?, state: CaseState?, before: Date?,
                      limit: Int) async throws -> [CaseRecord] {
        let query = CaseRecord.query(on: db)
        switch view {
        case .inbox: query.filter(\.$platformID == caller.organisationID)
        case .issued: query.filter(\.$issuerID == caller.organisationID)
        case .scrutiny: query.filter(\.$scrutinyAuthorityID == caller.organisationID)
        }
        if let kind { query.filter(\.$kind == kind.rawValue) }
        if let state { query.filter(\.$state == state.rawValue) }
        if let before { query.filter(\.$receivedAt < before) }
        return try await query.sort(\.$receivedAt, .descending).limit(limit).all()
    }

    /// Applies one side's action through the state machine, with what it does to the clock.
    public func act(on id: UUID, _ action: CaseAction, by caller: Caller, now: Date, rules: DeskRules) async throws -> CaseRecord {
        try await hub.write([.cases]) { db in
            guard let record = try await CaseRecord.find(id, on: db), let party = Self.party(caller, record) else {
                throw StoreError.notFound(field: "case", message: "no case \(id) addressed to or issued by your organisation")
            }
            let kind = CaseKind(rawValue: record.kind) ?? .referral
            let current = CaseState(rawValue: record.state) ?? .received
            let pause = record.pauseReason.flatMap(InabilityReason.init(rawValue:))
            let reinstatable = record.reinstatable
            let (state, clock) = try Self.checked { () throws(RuleError) in
                try action.transition(kind: kind, state: current, pause: pause, reinstatable: reinstatable, by: party)
            }
            var detail: [String: String] = ["action": action.name, "from": record.state]
            switch action {
            case .acknowledge:
                record.acknowledgedAt = now
            case .reportInability(let reason, let text):
                // Once the hour has run out the breach is on record: a pause and a fresh
                // hour after it would let the platform answer inside a deadline it missed.
                if kind == .removalOrder, let deadline = record.deadlineAt, now > deadline {
                    throw StoreError.conflict(field: "action", message: "the deadline passed at \(Self.iso(deadline)); inability can be reported only before it. Confirm the removal, or request scrutiny of the order")
                }
                record.pauseReason = reason.rawValue
                record.pauseDetail = text
                detail["reason"] = reason.rawValue
                detail["detail"] = text
            case .clarify(let text):
                detail["clarification"] = text
            case .confirmRemoval(let how, let at):
                let removedAt = at ?? now
                guard removedAt <= now.addingTimeInterval(1), removedAt >= record.receivedAt.addingTimeInterval(-1) else {
                    throw StoreError.invalid(field: "at", message: "the removal time must be between receipt of the case and now")
                }
                // `at` is the platform's claim, kept as it said it. The figures and the breach
                // come from what the hub saw: when the confirmation arrived. A breach the hub
                // recorded is never cleared.
                record.removedAt = removedAt
                record.removalAction = how.rawValue
                record.removalSeconds = max(0, now.timeIntervalSince(record.receivedAt))
                if kind == .removalOrder, let deadline = record.deadlineAt, now > deadline {
                    record.breachedAt = record.breachedAt ?? deadline
                }
                detail["removal"] = how.rawValue
                detail["at"] = Self.iso(removedAt)
            case .refuse(let reason), .withdraw(let reason):
                record.refusalReason = reason
                detail["reason"] = reason
            case .reinstate:
                record.reinstatedAt = now
            case .resume:
                break
            }
            switch clock {
            case .none: break
            case .pause:
                record.pausedAt = now
                record.deadlineAt = nil
                record.nextAlertAt = nil
            case .restart:
                let deadline = rules.clock.deadline(from: now)
                record.pausedAt = nil
                record.pauseReason = nil
                record.deadlineAt = deadline
                record.alertsSent = 0
                record.nextAlertAt = rules.clock.alerts(deadline: deadline, sent: [], now: now).next
                detail["deadline"] = Self.iso(deadline)
            case .stop:
                record.nextAlertAt = nil
                record.closedAt = now
            }
            record.state = state.rawValue
            record.updatedAt = now
            try await record.save(on: db)
            try await Self.audit(caller, "case.\(action.name)", target: id.uuidString, detail: detail, on: db)
            try await Self.recordEvent(CaseEventKind(entering: state, restarted: clock == .restart), of: record, at: now,
                                       detail: detail, on: db)
            return record
        }
    }

    /// Sends every deadline alert due by `now`, once across all replicas (the update only
    /// applies if no one else sent it first). Returns how many went out.
    @discardableResult
    public func fireDueAlerts(now: Date, rules: DeskRules) async throws -> Int {
        let due = try await CaseRecord.query(on: db).filter(\.$nextAlertAt <= now).limit(500).all()
        guard !due.isEmpty else { return 0 }
        return try await hub.write([.cases]) { db in
            var sent = 0
            for record in due {
                guard let deadline = record.deadlineAt, CaseState(rawValue: record.state)?.isOpen == true else { continue }
                let before = DeadlineAlert.set(bits: record.alertsSent)
                let (alert, passed, next) = rules.clock.alerts(deadline: deadline, sent: before, now: now)
                let claimed = try await (db as! any SQLDatabase).update(CaseRecord.schema)
                    .set("alerts_sent", to: DeadlineAlert.bits(passed))
                    .set("next_alert_at", to: next)
                    .set("breached_at", to: passed.contains(.breach) ? (record.breachedAt ?? deadline) : record.breachedAt)
                    .set("updated_at", to: now)
                    .where("id", .equal, record.id!).where("alerts_sent", .equal, record.alertsSent)
                    // Read outside this transaction: a case closed or paused since is left alone.
                    .where("state", .in, CaseState.allCases.filter(\.isOpen).map(\.rawValue))
                    .where("next_alert_at", .lessThanOrEqual, now)
                    .returning("id").all()
                guard !claimed.isEmpty, let alert else { continue }
                record.alertsSent = DeadlineAlert.bits(passed)
                try await Self.recordEvent(CaseEventKind(alert), of: record, at: now,
                                           detail: ["deadline": Self.iso(deadline), "due": Self.iso(deadline.addingTimeInterval(-alert.lead))],
                                           on: db)
                sent += 1
            }
            return sent
        }
    }

    // MARK: Events

    /// Appends an event both sides (and a scrutinising authority) will see, and queues it
    /// for each of their webhooks that wants it.
    static func recordEvent(_ kind: CaseEventKind, of record: CaseRecord, at: Date, detail: [String: String],
                            on db: any Database) async throws {
        let event = CaseEventRecord()
        event.caseID = record.id!
        event.kind = kind.rawValue
        event.issuerID = record.issuerID
        event.platformID = record.platformID
        event.scrutinyAuthorityID = record.scrutinyAuthorityID
        event.at = at
        event.detail = json(detail)
        try await event.create(on: db)
        try await queueDeliveries(of: event, on: db)
    }

    /// Events after `cursor` that `organisation` is a party to, in order.
    public func caseEvents(after cursor: Int, for organisation: UUID, limit: Int) async throws -> [CaseEventRecord] {
        try await CaseEventRecord.query(on: db).filter(\.$id > cursor)
            .group(.or) {
                $0.filter(\.$platformID == organisation).filter(\.$issuerID == organisation)
                    .filter(\.$scrutinyAuthorityID == organisation)
            }
            .sort(\.$id).limit(limit).all()
    }

    /// Every event of one case, in order: its timeline.
    public func caseEvents(of caseID: UUID) async throws -> [CaseEventRecord] {
        try await CaseEventRecord.query(on: db).filter(\.$caseID == caseID).sort(\.$id).all()
    }

    /// The newest event id (the start of a live stream).
    public func latestCaseEvent() async throws -> Int {
        try await CaseEventRecord.query(on: db).sort(\.$id, .descending).first()?.id ?? 0
    }

    // MARK: Helpers

    /// JSON text of a value, as the store keeps lists and objects (sorted keys).
    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// The value a ``json(_:)`` text holds, or nil when there is none or it does not read.
    public static func decode<T: Decodable>(_ text: String?, as type: T.Type) -> T? {
        text.flatMap { try? JSONDecoder().decode(type, from: Data($0.utf8)) }
    }

    /// ISO 8601 with milliseconds: how the hub writes every time (API, events, receipts).
    /// Times from 1970 to 9999 are written by hand, as Foundation writes them (milliseconds
    /// truncated): a mirror's first copy writes two per signal, and Foundation's formatter
    /// was a large part of the hub's side of it. Others go through Foundation (its calendar
    /// turns Julian before 1582).
    public static func iso(_ date: Date) -> String {
        let time = date.timeIntervalSince1970
        guard time >= 0, time < 253_402_300_800 else {
            return Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
        }
        let whole = time.rounded(.down)
        let millis = min(999, Int(((time - whole) * 1000).rounded(.down)))
        let seconds = Int(whole)
        let (year, month, day) = civil(days: seconds / 86_400)
        let second = seconds % 86_400
        return String(unsafeUninitializedCapacity: 24) { text in
            func put(_ value: Int, at offset: Int, width: Int) {
                var rest = value
                for index in (offset..<offset + width).reversed() {
                    text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4)
            put(month, at: 5, width: 2)
            put(day, at: 8, width: 2)
            put(second / 3600, at: 11, width: 2)
            put(second / 60 % 60, at: 14, width: 2)
            put(second % 60, at: 17, width: 2)
            put(millis, at: 20, width: 3)
            for (offset, mark) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)] {
                text[offset] = UInt8(ascii: mark)
            }
            return 24
        }
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    private static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - (153 * mp + 2) / 5 + 1)
    }

    /// A time as ``iso(_:)`` writes it (milliseconds optional). The form the hub writes
    /// (`2026-12-01T10:00:00.000Z`) is read by hand: a mirror's copy reads three per change,
    /// and Foundation's parser was a large part of copying a million.
    public static func date(iso text: String) -> Date? {
        if let date = utcDate(text.utf8) { return date }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.sss]Z`, or nil for any other form.
    private static func utcDate(_ bytes: String.UTF8View) -> Date? {
        let b = Array(bytes)
        guard b.count == 20 || b.count == 24, b.last == UInt8(ascii: "Z"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        var millis = 0
        if b.count == 24 {
            guard b[19] == UInt8(ascii: "."), let fraction = number(20..<23) else { return nil }
            millis = fraction
        }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + millis) / 1000
        return Date(timeIntervalSince1970: seconds)
    }

    /// Runs a domain rule, turning its refusal into a store refusal.
    static func checked<T>(_ body: () throws(RuleError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreError(error)
        }
    }
}
