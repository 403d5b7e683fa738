import Foundation

/// The OpenAPI 3.1 description of the hub's API (`openapi.json` beside this file, compiled
/// into the binary by the EmbedText plugin), served at `/openapi.json`. A test checks that
/// it and the router name the same routes, and that every reference in it resolves.
enum OpenAPIDocument {
    static var json: [UInt8] { Array(EmbeddedFiles.openapi_json.utf8) }

    /// The document as one hub serves it: the incident levels it was started with
    /// (`--incident-levels`) are the `level`s a proposal may name, so the contract says
    /// what this hub enforces instead of leaving any text to be refused.
    static func json(incidentLevels levels: [String]) -> [UInt8] {
        guard var document = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              var components = document["components"] as? [String: Any],
              var schemas = components["schemas"] as? [String: Any],
              var incident = schemas["NewIncident"] as? [String: Any],
              var properties = incident["properties"] as? [String: Any],
              var level = properties["level"] as? [String: Any] else { return json }
        level["enum"] = levels + [NSNull()]
        properties["level"] = level
        incident["properties"] = properties
        schemas["NewIncident"] = incident
        components["schemas"] = schemas
        document["components"] = components
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])).map(Array.init) ?? json
    }
}
