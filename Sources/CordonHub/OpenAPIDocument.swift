/// The OpenAPI 3.1 description of the hub's API (`openapi.json` beside this file, compiled
/// into the binary), served at `/openapi.json`. A test checks that it and the router name
/// the same routes, and that every reference in it resolves.
enum OpenAPIDocument {
    static var json: [UInt8] { PackageResources.openapi_json }
}
