import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// A submitted form: `application/x-www-form-urlencoded` fields, or the fields and files of
/// `multipart/form-data`.
struct PageForm: Sendable {
    private(set) var fields: [String: [String]] = [:]
    private(set) var files: [String: MultipartForm.Part] = [:]

    /// Reads the body (up to `limit` bytes).
    static func read(_ request: Request, limit: Int) async throws -> PageForm {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw ServiceError(.tooLarge, field: "file",
                               message: "the form is over \(limit >> 20) MiB; send a smaller file or use `cordon submit`")
        }
        let bytes = Array(buffer.readableBytesView)
        var form = PageForm()
        let type = request.headers[.contentType]
        if let multipart = MultipartForm(contentType: type, body: bytes) {
            for part in multipart.parts {
                if part.filename != nil {
                    if !part.body.isEmpty { form.files[part.name] = part }
                } else {
                    form.fields[part.name, default: []].append(String(decoding: part.body, as: UTF8.self))
                }
            }
        } else {
            for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
                let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ text: Substring) -> String {
                    String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                }
                form.fields[decode(halves[0]), default: []].append(halves.count > 1 ? decode(halves[1]) : "")
            }
        }
        return form
    }

    /// The field's first value, trimmed; `nil` when absent or empty.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// Fails unless the form carries the session's CSRF token.
    func requireToken(_ expected: String) throws {
        guard let token = fields["_csrf"]?.first, !expected.isEmpty,
              token.utf8.count == expected.utf8.count,
              zip(token.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else {
            throw ServiceError(.forbidden, field: "_csrf",
                               message: "this form's security token is missing or out of date; reload the page and send it again")
        }
    }

    /// The values typed in, to show again beside an error.
    var echo: [String: String] { fields.compactMapValues { $0.first } }
}

extension Request {
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return String(value)
    }
}
