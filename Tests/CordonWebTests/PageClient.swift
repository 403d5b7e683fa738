import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A browser without a browser: plain HTTP with a cookie jar, to test what the pages
/// answer (status, headers, markup) where no script is involved.
final class PageClient: @unchecked Sendable {
    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        var location: String? { headers[.location] }
        var cookies: [String] { headers[values: .setCookie] }
        /// The form token of the page's first form.
        var csrf: String? {
            guard let range = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let client: any TestClientProtocol
    private(set) var jar: [String: String] = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    func get(_ path: String) async throws -> Page {
        try await send(.get, path, body: nil, type: nil)
    }

    /// Posts `fields` form-encoded; `csrf: true` adds the token of `from` (or of the last page).
    func post(_ path: String, _ fields: [(String, String)]) async throws -> Page {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.post, path, body: body, type: "application/x-www-form-urlencoded")
    }

    /// Posts `fields` and one file as `multipart/form-data`, as a browser sends a file form.
    func post(_ path: String, _ fields: [(String, String)], file: (field: String, name: String, body: String)) async throws -> Page {
        let boundary = "cordon-test-\(UUID().uuidString)"
        var body = ""
        for (name, value) in fields { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\n"
        body += "Content-Type: text/csv\r\n\r\n\(file.body)\r\n--\(boundary)--\r\n"
        return try await send(.post, path, body: body, type: "multipart/form-data; boundary=\(boundary)")
    }

    /// Signs in through the form, as a person does; returns the page it lands on.
    @discardableResult
    func signIn(_ email: String, password: String = PageFixture.password) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", [("_csrf", form.csrf ?? ""), ("email", email), ("password", password), ("next", "/")])
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: String?, type: String?) async throws -> Page {
        var headers = HTTPFields()
        if !jar.isEmpty { headers[.cookie] = jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let type { headers[.contentType] = type }
        return try await client.execute(uri: path, method: method, headers: headers,
                                        body: body.map { ByteBuffer(string: $0) }) { response in
            for cookie in response.headers[values: .setCookie] {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || cookie.contains("Max-Age=0") { self.jar[name] = nil } else { self.jar[name] = value }
            }
            return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
