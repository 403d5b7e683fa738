import CordonDomain
import CordonHub
import CordonServices
import CordonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import MediaDecoding
import NIOCore
import PDQ
import Testing

/// Matching an uploaded picture: hashed on the server, never stored.
@Suite struct HubUploadTests {
    @Test func anUploadedImageMatchesTheHashOfItsJPEGCopy() async throws {
        let f = try await HubFixture.make()
        let png = TestImages.png(width: 320, height: 240, seed: 9)
        let jpeg = JPEGWriter.jpeg(width: 320, height: 240, seed: 9)
        try await f.withServer { c in
            // A member shares the PDQ of the JPEG copy it removed.
            let pdq = try MediaHashingProbe.pdq(jpeg)
            let submitted = try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: f.adminKey, json: ["type": "pdq", "value": pdq])
            #expect(submitted.status == 201)
            let reply = try await c.client.execute(
                uri: "/v1/match", method: .post,
                headers: [.authorization: "Bearer \(f.adminKey)", .contentType: "image/png"],
                body: ByteBuffer(bytes: png)
            ) { response in
                (Int(response.status.code), try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            }
            #expect(reply.0 == 200)
            let results = try #require(reply.1?["results"] as? [[String: Any]])
            #expect(results.map { $0["type"] as? String } == ["pdq", "md5", "sha256"])
            let matches = try #require(results[0]["matches"] as? [[String: Any]])
            #expect(matches.count == 1 && (matches[0]["distance"] as? Int ?? 99) <= 31)

            let notImage = try await c.client.execute(
                uri: "/v1/match", method: .post,
                headers: [.authorization: "Bearer \(f.adminKey)", .contentType: "image/jpeg"],
                body: ByteBuffer(string: "not a picture")
            ) { response in Int(response.status.code) }
            #expect(notImage == 422)
        }
    }
}

/// The PDQ hex of an image, computed the way members compute it.
enum MediaHashingProbe {
    // Decoded and hashed with the same targets the members' `cordon hash` uses.
    static func pdq(_ bytes: [UInt8]) throws -> String {
        let image = try ImageDecoder().decode(bytes)
        return image.pixels.withUnsafeBufferPointer {
            PDQHasher().hash(pixels: $0, width: image.width, height: image.height, channels: image.channels).hash.hex
        }
    }
}
