import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Hash lists: collections, browsing, a signal's page, adding by hash, upload or CSV,
/// feedback, retraction and export.
extension WebPages {
    func addListRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("lists") { _, context in try await listsPage(context: context) }
        router.post("lists") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                let made = try await services.createCollection(
                    try Self.decode(API.NewCollection.self, ["name": form["name"] ?? "", "description": form["description"] ?? ""]),
                    by: caller)
                return Self.redirect("/lists/\(made.id)")
            } catch let error as ServiceError {
                return try await listsPage(context: context, form: form.echo, errors: Self.errors(error, fields: ["name", "description"]),
                                           status: error.status)
            }
        }
        router.get("lists/:id") { request, context in
            try await listPage(try Self.uuid(context, "id"), request: request, context: context)
        }
        router.post("lists/:id/signals") { request, context in
            let id = try Self.uuid(context, "id")
            let form = try await form(request, context)
            return try await share(in: id, request: request, context: context, form: form) {
                let type = try Self.decode(SignalType.self, form["type"] ?? "", field: "type")
                let submission = SignalSubmission(type: type, value: form["value"] ?? "", labels: try Self.labels(form))
                return try await services.submit(API.Submission(signals: [submission], isBulk: false), to: id,
                                                 by: try Self.session(context).caller)
            }
        }
        router.post("lists/:id/upload") { request, context in
            let id = try Self.uuid(context, "id")
            let form = try await form(request, context)
            return try await share(in: id, request: request, context: context, form: form) {
                guard let file = form.files["file"] else { throw ServiceError.invalid("file", "choose an image or video to upload") }
                let template = SignalSubmission(type: .pdq, value: "", labels: try Self.labels(form))
                return try await UploadFolder.withFile(file.body, field: "file") { path in
                    try await services.submit(uploadAt: path, as: template, to: id, by: try Self.session(context).caller)
                }
            }
        }
        router.post("lists/:id/bulk") { request, context in
            let id = try Self.uuid(context, "id")
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                guard let file = form.files["file"] else { throw ServiceError.invalid("csv", "choose a CSV file") }
                let signals = try BulkCSV.submissions(String(decoding: file.body, as: UTF8.self))
                try services.checkImport(signals, to: id, by: caller)
                let chunk = min(1000, services.configuration.maxSignalsPerRequest)
                let job = try imports.start(signals, from: file.filename ?? "", into: id, chunk: chunk, services: services, by: caller)
                return Self.redirect("/lists/\(id)/imports/\(job)")
            } catch let error as ServiceError {
                let items = error.items?.prefix(5).map { "line \(($0.index) + 1): \($0.field.split(separator: ".").last ?? ""): \($0.message)" } ?? []
                return try await listPage(id, request: request, context: context, form: form.echo,
                                          errors: ["csv": ([error.message] + items).joined(separator: "; ")], status: error.status)
            }
        }
        router.get("lists/:id/imports/:job") { _, context in
            let (collection, progress) = try await importProgress(context)
            var data = Self.importData(progress)
            data["collection"] = ["id": collection.id.uuidString, "name": collection.name]
            data["importID"] = progress.id.uuidString
            data["fileName"] = progress.fileName.isEmpty ? "a CSV file" : progress.fileName
            return page("import", title: "Importing", data, context: context, current: "/lists")
        }
        router.get("lists/:id/imports/:job/progress") { _, context in
            fragment("import-progress", Self.importData(try await importProgress(context).1))
        }
        router.get("lists/:id/export.csv") { _, context in
            let id = try Self.uuid(context, "id")
            let caller = try Self.session(context).caller
            var csv = "id,type,value,status,categories,behaviours,entity,created_at\n"
            var before: Int?
            repeat {
                let page = try await services.browse(id, HubStore.SignalFilter(before: before), limit: 500, by: caller)
                for signal in page.signals {
                    let fields = [String(signal.id), signal.type.rawValue, signal.value, signal.status.rawValue,
                                  signal.labels.categories.map(\.rawValue).joined(separator: ";"),
                                  signal.labels.behaviours.map(\.rawValue).joined(separator: ";"), signal.labels.entity ?? "",
                                  PageValues.time(signal.createdAt)]
                    csv += fields.map(BulkCSV.quote).joined(separator: ",") + "\n"
                }
                before = page.next
            } while before != nil
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"collection-\(id).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        router.get("signals/:id") { _, context in
            try await signalPage(try Self.int(context, "id"), context: context)
        }
        router.post("signals/:id/feedback") { request, context in
            let id = try Self.int(context, "id")
            let form = try await form(request, context)
            do {
                var fields: [String: Any] = ["kind": form["kind"] ?? ""]
                if let comment = form["comment"] { fields["comment"] = comment }
                _ = try await services.feedback(on: id, try Self.decode(API.NewFeedback.self, fields), by: try Self.session(context).caller)
                return Self.redirect("/signals/\(id)")
            } catch let error as ServiceError {
                return try await signalPage(id, context: context, errors: Self.errors(error, fields: ["kind", "comment"]), status: error.status)
            }
        }
        router.post("signals/:id/confirm") { request, context in
            let id = try Self.int(context, "id")
            let form = try await form(request, context)
            do {
                var fields: [String: Any] = [:]
                if let comment = form["comment"] { fields["comment"] = comment }
                if let day = form["reviewBy"], !day.isEmpty { fields["reviewBy"] = day.count == 10 ? day + "T00:00:00Z" : day }
                _ = try await services.confirm(id, try Self.decode(API.Confirmation.self, fields), by: try Self.session(context).caller)
                return Self.redirect("/signals/\(id)")
            } catch let error as ServiceError {
                return try await signalPage(id, context: context, errors: Self.errors(error, fields: ["reviewBy", "comment"]), status: error.status)
            }
        }
        router.post("signals/:id/retract") { request, context in
            let id = try Self.int(context, "id")
            _ = try await form(request, context)
            do {
                _ = try await services.retract(id, by: try Self.session(context).caller)
                return Self.redirect("/signals/\(id)")
            } catch let error as ServiceError {
                return try await signalPage(id, context: context, errors: ["form": error.message], status: error.status)
            }
        }
    }

    private func listsPage(context: HubRequestContext, form: [String: String] = [:], errors: [String: String] = [:],
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let counts = services.signalCounts(by: caller)
        let collections = try await services.collections(caller)
        return page("lists", title: "Hash lists", [
            "collections": collections.map {
                ["id": $0.id.uuidString, "name": $0.name, "description": $0.description, "access": $0.access?.rawValue ?? "",
                 "incident": $0.incident != nil, "count": counts[$0.id]?.values.reduce(0, +) ?? 0] as [String: Any]
            },
            "hasCollections": !collections.isEmpty, "mayCreate": may(.createCollection, caller), "form": form, "errors": errors,
        ], context: context, status: status)
    }

    /// Runs a submission and shows the collection again with its outcome, or its error by the field.
    private func share(in id: UUID, request: Request, context: HubRequestContext, form: PageForm,
                       _ body: () async throws -> API.SubmissionResult) async throws -> Response {
        do {
            let result = try await body()
            let outcomes = Dictionary(grouping: result.results, by: \.outcome).mapValues(\.count)
            let words = outcomes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
            return try await listPage(id, request: request, context: context,
                                      notice: "Shared: " + words.joined(separator: ", ") + ".")
        } catch let error as ServiceError {
            var errors = Self.errors(error, fields: ["type", "value", "labels", "file", "body"])
            if let message = errors.removeValue(forKey: "body") { errors["file"] = message }
            return try await listPage(id, request: request, context: context, form: form.echo, errors: errors, status: error.status)
        }
    }

    /// The collection and the import named in the path, if the caller's organisation started it.
    private func importProgress(_ context: HubRequestContext) async throws -> (API.CollectionOut, BulkImports.Progress) {
        let caller = try Self.session(context).caller
        let id = try Self.uuid(context, "id"), job = try Self.uuid(context, "job")
        guard let collection = try await services.collections(caller).first(where: { $0.id == id }),
              let progress = imports.progress(job, for: caller), progress.collection == id else {
            throw ServiceError.notFound("import", "no import \(job) of your organisation here (an import's page lasts an hour)")
        }
        return (collection, progress)
    }

    private static func importData(_ progress: BulkImports.Progress) -> [String: Any] {
        let words = progress.outcomes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
        return ["total": progress.total, "done": progress.done, "percent": progress.total == 0 ? 100 : progress.done * 100 / progress.total,
                "finished": progress.finished, "failure": progress.failure ?? false,
                "hasOutcomes": !words.isEmpty, "outcomes": words.joined(separator: ", ") + "."]
    }

    private func listPage(_ id: UUID, request: Request, context: HubRequestContext, notice: String? = nil,
                          form: [String: String] = [:], errors: [String: String] = [:],
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        guard let collection = try await services.collections(caller).first(where: { $0.id == id }) else {
            throw ServiceError.notFound("collection", "no collection \(id) among your organisation's collections")
        }
        let names = try await organisationNames(caller)
        var errors = errors
        var filter = HubStore.SignalFilter()
        var echo: [String: String] = [:]
        // The filters come from the query string on GET; a form's POST shows the newest.
        if request.method == .get {
            do {
                filter = try Self.filter(request)
            } catch let error as ServiceError {
                errors["filter"] = error.description
            }
            for name in ["label", "from", "until"] { echo[name] = request.query(name) ?? "" }
        }
        let page = try await services.browse(id, filter, limit: 50, by: caller)
        var query = URLComponents()
        query.queryItems = ["type", "status", "label", "contributor", "from", "until"].compactMap { name in
            request.method == .get ? request.query(name).map { URLQueryItem(name: name, value: $0) } : nil
        }
        let base = "/lists/\(id)"
        func link(before: Int?) -> String {
            var items = query.queryItems ?? []
            if let before { items.append(URLQueryItem(name: "before", value: String(before))) }
            var components = URLComponents()
            components.queryItems = items
            return base + (items.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? ""))
        }
        let contributor = request.method == .get ? request.query("contributor") : nil
        return self.page("list", title: collection.name, [
            "collection": ["id": id.uuidString, "name": collection.name, "description": collection.description],
            "types": PageValues.options(SignalType.self, selected: request.method == .get ? request.query("type") : nil),
            "statuses": PageValues.options(SignalStatus.self, selected: request.method == .get ? request.query("status") : nil),
            "organisations": names.sorted { $0.value < $1.value }.map {
                ["id": $0.key.uuidString, "name": $0.value, "selected": $0.key.uuidString == contributor] as [String: Any]
            },
            "filter": echo,
            "signals": page.signals.map { signal -> [String: Any] in
                ["id": signal.id, "type": signal.type.rawValue,
                 "shortValue": signal.value.count > 72 ? String(signal.value.prefix(72)) + "…" : signal.value,
                 "labels": PageValues.labels(signal.labels), "contributors": PageValues.names(signal.contributors, names),
                 "status": signal.status.rawValue, "createdAt": PageValues.time(signal.createdAt)]
            },
            "hasSignals": !page.signals.isEmpty,
            "next": page.next.map { link(before: $0) } ?? false,
            "first": filter.before != nil ? link(before: nil) : false,
            "mayWrite": collection.access == .readWrite && may(.submitSignals, caller),
            "addForm": ["formID": "add"], "uploadForm": ["formID": "upload"],
            "categories": ContentCategory.allCases.map(\.rawValue), "behaviours": Behaviour.allCases.map(\.rawValue),
            "form": form, "errors": errors, "notice": notice ?? false,
        ], context: context, status: status, current: "Hash lists")
    }

    private func signalPage(_ id: Int, context: HubRequestContext, errors: [String: String] = [:],
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let signal = try await services.signal(id, by: caller)
        let names = try await organisationNames(caller)
        let history = try await services.history(of: id, by: caller)
        let ledger = try await services.ledger(of: id, by: caller)
        // The ledger lists every piece of feedback: the table of kinds counts them.
        let counts = ledger.events.reduce(into: [FeedbackKind: Int]()) { $0[$1.kind, default: 0] += 1 }
        let collection = try await services.collections(caller).first { $0.id == signal.collectionID }
        // A source withdraws its own contribution; a writer of the collection (its owner) retracts it.
        let mayRetract = signal.contributors.contains(caller.organisationID) || collection?.access == .readWrite
        return page("signal", title: "Signal \(id)", [
            "signal": ["id": signal.id, "collectionID": signal.collectionID.uuidString, "type": signal.type.rawValue,
                       "value": signal.value, "status": signal.status.rawValue, "confidence": signal.confidence,
                       "createdAt": PageValues.time(signal.createdAt), "updatedAt": PageValues.time(signal.updatedAt)],
            "collectionName": collection?.name ?? signal.collectionID.uuidString,
            "frames": signal.features.map { "\($0.count) frames" } ?? false,
            "labels": PageValues.labels(signal.labels), "contributors": PageValues.names(signal.contributors, names),
            "feedback": counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { ["kind": $0.key.rawValue, "count": $0.value] as [String: Any] },
            "hasFeedback": !counts.isEmpty,
            "history": history.map { ["kind": $0.kind, "at": PageValues.time($0.at)] },
            "feedbackKinds": FeedbackKind.allCases.filter { $0 != .confirmed }.map(\.rawValue),
            "ledger": [
                "actionable": ledger.actionable, "reason": ledger.reason ?? "", "origin": ledger.origin.rawValue,
                "matches": ledger.ledger.matches, "actions": ledger.ledger.actions, "falsePositives": ledger.ledger.falsePositives,
                "appeals": ledger.ledger.appeals, "reinstatements": ledger.ledger.reinstatements,
                "rate": ledger.falsePositiveRate.map { String(format: "%.1f %%", $0 * 100) } ?? "no decisions yet",
                "reviewBy": ledger.reviewBy.map(PageValues.time) ?? false, "reviewReason": ledger.reviewReason ?? "",
            ] as [String: Any],
            "mayConfirm": may(.confirmSignal, caller) && signal.status != .retracted
                && (signal.contributors.contains(caller.organisationID) || collection?.owner == caller.organisationID),
            "mayFeedback": may(.giveFeedback, caller),
            "mayRetract": may(.retractSignal, caller) && mayRetract && signal.status != .retracted,
            "errors": errors,
        ], context: context, status: status, current: "Hash lists")
    }

    static func filter(_ request: Request) throws -> HubStore.SignalFilter {
        var filter = HubStore.SignalFilter()
        if let text = request.query("type") { filter.type = try decode(SignalType.self, text, field: "type") }
        if let text = request.query("status") { filter.status = try decode(SignalStatus.self, text, field: "status") }
        filter.label = request.query("label")
        if let text = request.query("contributor") {
            guard let id = UUID(uuidString: text) else { throw ServiceError.invalid("contributor", "choose a contributor from the list") }
            filter.contributor = id
        }
        func day(_ name: String) throws -> Date? {
            guard let text = request.query(name) else { return nil }
            guard let date = ISO8601DateFormatter.day.date(from: text) else {
                throw ServiceError.invalid(name, "\(name) must be a date such as 2026-12-01")
            }
            return date
        }
        filter.createdFrom = try day("from")
        filter.createdUntil = try day("until").map { $0.addingTimeInterval(86_400) }
        if let text = request.query("before") {
            guard let before = Int(text) else { throw ServiceError.invalid("before", "before is the id of a signal") }
            filter.before = before
        }
        return filter
    }

    static func labels(_ form: PageForm) throws -> SignalLabels {
        SignalLabels(categories: try form["category"].map { [try decode(ContentCategory.self, $0, field: "labels")] } ?? [],
                     behaviours: try form["behaviour"].map { [try decode(Behaviour.self, $0, field: "labels")] } ?? [],
                     entity: form["entity"])
    }
}

extension ISO8601DateFormatter {
    /// `yyyy-MM-dd`, as `<input type="date">` sends, in UTC.
    nonisolated(unsafe) static let day: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter
    }()
}
