import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import CordonTestSupport
import Crypto
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

extension HubUploadTests {
    /// Review finding F2: files that claim far more pixels than they carry are refused
    /// from their headers with 413, through the hub's API and HMA's, and the hub still
    /// matches a real picture afterwards.
    @Test func decompressionBombsAreRefusedFromTheirHeaders() async throws {
        let f = try await HubFixture.make()
        let bombs: [(String, [UInt8], String)] = [
            ("35-byte GIF, 32768x8192 screen", GIFWriter.screenBomb(), "image/gif"),
            ("PNG header of 16384x16384", PNGWriter.header(width: 16_384, height: 16_384), "image/png"),
            ("JPEG of 300 scans", JPEGWriter.jpeg(width: 64, height: 64) + Array([[UInt8]](repeating: [0xFF, 0xDA, 0, 2], count: 300).joined()), "image/jpeg"),
        ]
        try await f.withServer { c in
            for (name, bytes, type) in bombs {
                let (status, answer) = try await Self.upload(c, "/v1/match", key: f.adminKey, bytes, contentType: type)
                let error = answer["error"] as? [String: Any]
                #expect(status == 413 && error?["field"] as? String == "body", "\(name): \(status) \(answer)")
                #expect((error?["message"] as? String)?.contains("limit") == true || (error?["message"] as? String)?.contains("bomb") == true,
                        "\(name): \(answer)")
                let hashed = try await c.multipart("/h/hash", key: f.adminKey, field: "photo", file: bytes)
                #expect(hashed.status == 413, "\(name) through HMA's /h/hash: \(hashed.status)")
            }
            let (status, _) = try await Self.upload(c, "/v1/match", key: f.adminKey, TestImages.png(width: 64, height: 64), contentType: "image/png")
            #expect(status == 200)
        }
    }

    /// Posts `bytes` as `contentType` to `uri`; the status and the JSON answer.
    static func upload(_ c: HubClient, _ uri: String, key: String, _ bytes: [UInt8], contentType: String) async throws -> (Int, [String: Any]) {
        try await c.client.execute(
            uri: uri, method: .post, headers: [.authorization: "Bearer \(key)", .contentType: contentType], body: ByteBuffer(bytes: bytes)
        ) { response in
            (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    @Test(.enabled(if: TestVideos.available, "needs Debian's ffmpeg (scripts/install-deps.sh)"))
    func anUploadedVideoIsSharedAndAReEncodedCopyMatchesItNothingKept() async throws {
        let f = try await HubFixture.make()
        let folder = f.folder
        let original = try TestVideos.make("original.mp4", in: folder, input: [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "6", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-f", "mp4"])
        let copy = try TestVideos.make("copy.avi", in: folder, input: [
            "-i", original, "-vf", "scale=240:180", "-c:v", "mpeg4", "-q:v", "6", "-f", "avi"])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: original)))
        let uploads = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-uploads").path
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? [])
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals?category=incitement&entity=Group%20X&item=clip-1"
            let (status, shared) = try await Self.upload(c, uri, key: f.adminKey, bytes, contentType: "video/mp4")
            #expect(status == 201, "\(shared)")
            let signal = try #require((shared["results"] as? [[String: Any]])?.first?["signal"] as? [String: Any])
            #expect(signal["type"] as? String == "vpdq" && (signal["features"] as? [Any])?.count == 6 && signal["item"] as? String == "clip-1")
            #expect(signal["fileSHA256"] as? String == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
            #expect((signal["labels"] as? [String: Any])?["entity"] as? String == "Group X")
            // The same file again is the same signal.
            let (_, again) = try await Self.upload(c, uri, key: f.adminKey, bytes, contentType: "application/octet-stream")
            #expect((again["results"] as? [[String: Any]])?.first?["outcome"] as? String == "unchanged")

            let copyBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: copy)))
            let (matchStatus, matched) = try await Self.upload(c, "/v1/match", key: f.adminKey, copyBytes, contentType: "video/x-msvideo")
            #expect(matchStatus == 200)
            let results = try #require(matched["results"] as? [[String: Any]])
            #expect(results.map { $0["type"] as? String } == ["vpdq", "md5", "sha256"])
            let video = try #require((results[0]["matches"] as? [[String: Any]])?.first)
            #expect((video["queryMatchPercent"] as? Double ?? 0) >= 80 && (video["signal"] as? [String: Any])?["id"] as? Int == signal["id"] as? Int)
            // The same file matches by its digest too.
            let (_, exact) = try await Self.upload(c, "/v1/match", key: f.adminKey, bytes, contentType: "video/mp4")
            #expect(((exact["results"] as? [[String: Any]])?[0]["matches"] as? [Any])?.count == 1)

            // A truncated video and a file that is nothing are refused, naming the body; nothing is stored.
            let (truncated, refusal) = try await Self.upload(c, uri, key: f.adminKey, Array(bytes.prefix(bytes.count / 3)), contentType: "video/mp4")
            #expect([422, 413].contains(truncated) && (refusal["error"] as? [String: Any])?["field"] as? String == "body", "\(truncated) \(refusal)")
            let (noise, _) = try await Self.upload(c, uri, key: f.adminKey, Array(repeating: 7, count: 5000), contentType: "video/mp4")
            #expect(noise == 422)
            let (empty, emptyRefusal) = try await Self.upload(c, uri, key: f.adminKey, [], contentType: "video/mp4")
            #expect(empty == 400 && (emptyRefusal["error"] as? [String: Any])?["field"] as? String == "body")
            #expect(try await f.store.signalCount() == 1)
            // A flat grey image has no detail to hash: refused to share, reported when matched.
            let flat = PNGWriter.rgb(width: 64, height: 64, pixels: [UInt8](repeating: 128, count: 64 * 64 * 3))
            #expect(try await Self.upload(c, uri, key: f.adminKey, flat, contentType: "image/png").0 == 422)
            let (_, flatMatch) = try await Self.upload(c, "/v1/match", key: f.adminKey, flat, contentType: "image/png")
            #expect(((flatMatch["results"] as? [[String: Any]])?.first?["quality"] as? Int ?? 100) < 50)
        }
        // The uploads were deleted once hashed.
        #expect(Set((try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []).subtracting(before).isEmpty)
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
