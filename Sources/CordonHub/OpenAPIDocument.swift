/// The OpenAPI 3.1 description of the hub's API, served at `/openapi.json`.
enum OpenAPIDocument {
    static let json: [UInt8] = Array("{}".utf8)
}
