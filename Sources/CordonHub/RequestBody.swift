import CordonServices
import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body, its nesting checked first, turning every decoding failure into a
    /// 400 that names the field.
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: HubRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw ServiceError(.tooLarge, field: "body",
                           message: "the body is over \(context.maxUploadSize / 1_048_576) MiB; send fewer items per request")
        }
        return try API.decode(T.self, body: Data(buffer.readableBytesView))
    }
}
