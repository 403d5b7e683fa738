import CordonDomain
@testable import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// `/openapi.json` describes exactly the routes the hub serves.
@Suite struct OpenAPITests {
    /// A hub started with its own incident levels documents those, and refuses any other.
    @Test func theDocumentNamesThisHubsIncidentLevels() async throws {
        var configuration = HubConfiguration()
        configuration.crisis = try CrisisRules(levels: ["watch", "protocol"])
        let f = try await HubFixture.make(configuration: configuration)
        try await f.withServer { c in
            let document = try await c.call(.get, "/openapi.json", key: nil).object
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
            let level = ((schemas?["NewIncident"] as? [String: Any])?["properties"] as? [String: Any])?["level"] as? [String: Any]
            let named = (level?["enum"] as? [Any])?.map { $0 as? String ?? "null" }
            #expect(named == ["watch", "protocol", "null"])
            #expect(level?["type"] as? [String] == ["string", "null"])
        }
    }

    @Test func theDocumentAndTheRouterNameTheSameRoutes() async throws {
        let f = try await HubFixture.make()
        let served = Set(f.hub.router().routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /" + path.joined(separator: "/")
        })
        try await f.withServer { c in
            let reply = try await c.call(.get, "/openapi.json", key: nil)
            #expect(reply.status == 200)
            let document = reply.object
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(documented == served, "only documented: \(documented.subtracting(served)); only served: \(served.subtracting(documented))")

            // Every reference resolves, and every operation says what it answers.
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let references = Self.references(in: document)
            #expect(!references.isEmpty)
            for reference in references {
                #expect(reference.hasPrefix("#/components/schemas/") && schemas[String(reference.dropFirst(21))] != nil, "\(reference)")
            }
            for (path, operations) in paths {
                for (method, operation) in operations {
                    #expect((operation as? [String: Any])?["responses"] != nil, "\(method) \(path)")
                }
            }

            // Each documented /v1 route exists: without a key it answers 401, never 404.
            for entry in documented where entry.contains(" /v1/") {
                let parts = entry.split(separator: " ")
                let uri = String(parts[1]).replacing(/\{id\}/, with: "1").replacing(/\{[a-z]+\}/, with: UUID().uuidString)
                let answer = try await c.call(HTTPRequest.Method(String(parts[0]))!, uri, key: nil)
                #expect(answer.status == 401 && answer.error["field"] as? String == "authorization", "\(entry): \(answer.status)")
            }
        }
    }

    /// A method a path does not take is answered 405 with the ones it does, not 404 as if the
    /// path did not exist (schemathesis found 44 such answers).
    @Test func aMethodAPathDoesNotTakeIsAnswered405WithTheOnesItDoes() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            let paths = try #require(try await c.call(.get, "/openapi.json", key: nil).object["paths"] as? [String: [String: Any]])
            for (path, operations) in paths {
                let uri = path.replacing(/\{id\}/, with: "1").replacing(/\{[a-z]+\}/, with: UUID().uuidString)
                let documented = Set(operations.keys.map { $0.uppercased() })
                for method in ["TRACE", "DELETE", "PATCH"] where !documented.contains(method) {
                    let answer = try await c.call(HTTPRequest.Method(method)!, uri, key: f.adminKey)
                    #expect(answer.status == 405 && answer.error["field"] as? String == "method", "\(method) \(path): \(answer.status) \(answer.json ?? "")")
                    #expect(answer.headers[.allow].map { Set($0.split(separator: ", ").map(String.init)) } == documented, "\(method) \(path)")
                }
            }
            // A path that is not served at all is still 404; HEAD where GET is served is not refused.
            #expect(try await c.call(.get, "/v1/no-such-thing", key: f.adminKey).status == 404)
            // The answer stays JSON whatever the path holds.
            let quoted = try await c.call(HTTPRequest.Method("TRACE")!, "/v1/cases/%22%7D%5C", key: f.adminKey)
            #expect(quoted.status == 405 && quoted.error["field"] as? String == "method", "\(quoted.status) \(String(describing: quoted.json))")
            #expect(try await c.call(.head, "/health", key: nil).status != 405)
        }
    }

    /// The values the document lists are the ones the code takes (the document is written by
    /// hand; this stops it drifting from the types).
    @Test func theDocumentsListsAreTheTypesOwn() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        func query(_ path: String, _ name: String) -> Set<String> {
            let parameters = paths[path]?["get"]?["parameters"] as? [[String: Any]] ?? []
            let schema = parameters.first { $0["name"] as? String == name }?["schema"] as? [String: Any]
            return Set(schema?["enum"] as? [String] ?? [])
        }
        #expect(query("/v1/cases", "state") == Set(CaseState.allCases.map(\.rawValue)))
        #expect(query("/v1/cases", "kind") == Set(CaseKind.allCases.map(\.rawValue)))
        #expect(query("/v1/cases", "view") == Set(HubStore.CaseView.allCases.map(\.rawValue)))
        #expect(query("/v1/incidents", "state") == Set(IncidentState.allCases.map(\.rawValue)))
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let events = ((schemas["NewWebhook"]?["properties"] as? [String: Any])?["events"] as? [String: Any])?["items"] as? [String: Any]
        #expect(Set(events?["enum"] as? [String] ?? []) == HubServices.webhookEvents)
    }

    static func references(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return (object["$ref"] as? String).map { [$0] } ?? object.values.flatMap(references)
        }
        if let array = value as? [Any] { return array.flatMap(references) }
        return []
    }
}
