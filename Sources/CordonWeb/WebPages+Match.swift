import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Matching: a pasted hash or URL, or an uploaded image or video, against the caller's
/// collections. An uploaded image is shown back blurred and grey until clicked.
extension WebPages {
    func addMatchRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("match") { request, context in
            // A search from a hash list's form arrives as GET with the hash in the query.
            guard let value = request.query("value") else { return try await matchPage(context: context) }
            var form = ["type": request.query("type") ?? "pdq", "value": value, "maxDistance": request.query("maxDistance") ?? ""]
            return try await runMatch(&form, context: context)
        }
        router.post("match") { request, context in
            var form = try await form(request, context).echo
            return try await runMatch(&form, context: context)
        }
        router.post("match/upload") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            guard let file = form.files["file"] else {
                return try await matchPage(context: context, errors: ["file": "choose an image or video to upload"], status: .badRequest)
            }
            do {
                let result = try await UploadFolder.withFile(file.body, field: "file") { path in
                    try await services.match(uploadAt: path, settings: API.MatchQuery(hashes: []), by: caller)
                }
                return try await matchPage(context: context, result: result, preview: Self.preview(file))
            } catch let error as ServiceError {
                return try await matchPage(context: context, errors: ["file": error.message], status: error.status)
            }
        }
    }

    private func runMatch(_ form: inout [String: String], context: HubRequestContext) async throws -> Response {
        let caller = try Self.session(context).caller
        do {
            let type = try Self.decode(SignalType.self, form["type"] ?? "pdq", field: "type")
            var distance: Int?
            if let text = form["maxDistance"], !text.isEmpty {
                guard let value = Int(text) else { throw ServiceError.invalid("maxDistance", "the distance is a whole number") }
                distance = value
            }
            let value = form["value"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let result = try await services.match(
                API.MatchQuery(hashes: [.init(type: type, value: value)], maxDistance: distance), by: caller)
            return try await matchPage(context: context, form: form, result: result, query: value)
        } catch let error as ServiceError {
            var errors = Self.errors(error, fields: ["value", "maxDistance", "type"])
            if let message = errors.removeValue(forKey: "type") { errors["value"] = message }
            if let message = errors["form"], error.field?.hasPrefix("hashes") == true {
                errors = ["value": message]
            }
            return try await matchPage(context: context, form: form, errors: errors, status: error.status)
        }
    }

    private func matchPage(context: HubRequestContext, form: [String: String] = [:], result: API.MatchResult? = nil,
                           query: String? = nil, preview: String? = nil, errors: [String: String] = [:],
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        var data: [String: Any] = [
            "types": PageValues.options(SignalType.self, selected: form["type"] ?? "pdq"),
            "form": ["value": form["value"] ?? "", "maxDistance": form["maxDistance"].flatMap { $0.isEmpty ? nil : $0 } ?? "31"],
            "errors": errors, "preview": preview ?? false,
        ]
        if let result {
            let names = try await organisationNames(caller)
            let collections = Dictionary(uniqueKeysWithValues: try await services.collections(caller).map { ($0.id, $0.name) })
            let matches = result.results.flatMap(\.matches).map { match -> [String: Any] in
                ["id": match.signal.id, "type": match.signal.type.rawValue,
                 "distance": match.distance.map(String.init) ?? match.queryMatchPercent.map { String(format: "%.0f%% of frames", $0) } ?? "exact",
                 "collection": collections[match.signal.collectionID] ?? "", "labels": PageValues.labels(match.signal.labels),
                 "contributors": PageValues.names(match.signal.contributors, names), "status": match.signal.status.rawValue,
                 "reviewOnly": match.reviewOnly == true]
            }
            data["campaigns"] = (result.campaigns ?? []).map { campaign -> [String: Any] in
                ["name": campaign.name, "partner": campaign.partner, "message": campaign.message, "callToAction": campaign.callToAction,
                 "landingPage": campaign.landingPage ?? false, "helpline": campaign.helpline ?? false]
            }
            data["hasCampaigns"] = result.campaigns?.isEmpty == false
            data["searched"] = true
            data["matches"] = matches
            data["hasMatches"] = !matches.isEmpty
            data["query"] = query ?? false
        }
        return page("match", title: "Match", data, context: context, status: status)
    }

    /// The upload as a `data:` URL for the blurred preview, when it is an image a browser
    /// shows and small enough to send back.
    static func preview(_ file: MultipartForm.Part) -> String? {
        let bytes = file.body
        guard bytes.count <= 8 << 20 else { return nil }
        guard let type = BrowserMedia.contentType(of: bytes), type.hasPrefix("image/") else { return nil }
        return "data:\(type);base64," + Data(bytes).base64EncodedString()
    }
}
