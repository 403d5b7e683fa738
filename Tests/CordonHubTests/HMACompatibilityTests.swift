import CordonHub
import CordonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// HMA 2.x's routes, field by field against the shapes recorded from HMA's own code
/// (`../shared/reference/interop.md` §2): what ROOST's Coop and FetLife's gem read.
@Suite struct HMACompatibilityTests {
    static let image = TestImages.png(width: 256, height: 256, seed: 4)

    @Test func lookupsCompareAndHashingAnswerInHMAsShapes() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            #expect(try await c.text(.get, "/status") == "I-AM-ALIVE")
            #expect(try await c.text(.get, "/status/live") == "I-AM-ALIVE")

            let hashed = try await c.multipart("/h/hash", key: f.adminKey, field: "photo", file: Self.image)
            #expect(hashed.status == 200)
            let pdq = try #require(hashed.object["pdq"] as? String)
            #expect(pdq.count == 64 && hashed.object.count == 1)
            let submitted = try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: f.adminKey,
                                             json: ["signals": [["type": "pdq", "value": pdq], ["type": "md5", "value": "0cc175b9c0f1b6a831c399e269772661"]]])
            let ids = (submitted.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            #expect(ids.count == 2)
            let near = Self.flip(pdq, bits: 2)

            let lookup = try await c.call(.get, "/m/lookup?signal_type=pdq&signal=\(near)", key: f.adminKey)
            #expect(lookup.status == 200)
            #expect(lookup.object as NSDictionary == ["TERRORIST_CONTENT": [["bank_content_id": ids[0], "distance": "2"]]] as NSDictionary)
            let exact = try await c.call(.get, "/m/lookup?signal_type=video_md5&signal=0cc175b9c0f1b6a831c399e269772661", key: f.adminKey)
            #expect(exact.object as NSDictionary == ["TERRORIST_CONTENT": [["bank_content_id": ids[1], "distance": "-"]]] as NSDictionary)
            #expect(try await c.call(.get, "/m/lookup?signal_type=pdq&signal=\(near)&banks=OTHER_BANK", key: f.adminKey).object.isEmpty)

            let raw = try await c.call(.get, "/m/raw_lookup?signal_type=pdq&signal=\(near)", key: f.adminKey)
            #expect(raw.object as NSDictionary == ["matches": [ids[0]]] as NSDictionary)
            let distances = try await c.call(.get, "/m/raw_lookup?signal_type=pdq&signal=\(near)&include_distance=true", key: f.adminKey)
            #expect(distances.object as NSDictionary == ["matches": [["bank_content_id": ids[0], "distance": "2"]]] as NSDictionary)

            let upload = try await c.multipart("/m/lookup", key: f.adminKey, field: "photo", file: Self.image)
            #expect(upload.object as NSDictionary == ["pdq": ["TERRORIST_CONTENT": [["bank_content_id": ids[0], "distance": "0"]]]] as NSDictionary)

            let compared = try await c.call(.post, "/m/compare", key: f.adminKey, json: ["pdq": [pdq, near]])
            #expect(compared.object as NSDictionary == ["pdq": [true, ["distance": 2]]] as NSDictionary)

            let status = try await c.call(.get, "/m/index/status?signal_type=pdq", key: f.adminKey)
            let pdqStatus = try #require(status.object["pdq"] as? [String: Any])
            #expect(pdqStatus["present"] as? Bool == true && pdqStatus["size"] as? Int == 2 && (pdqStatus["built_to"] as? Int ?? 0) > 0)

            // Refusals are {"message": …} with HMA's texts.
            for (uri, status, message) in [
                ("/m/lookup?signal_type=photodna&signal=ab", 400, "No such SignalType 'photodna'"),
                ("/m/lookup?signal=\(pdq)", 400, "Either url or both signal and signal_type are required"),
                ("/m/lookup?url=http://example.org/a.jpg", 403, "Hashing is disabled, missing role"),
            ] {
                let reply = try await c.call(.get, uri, key: f.adminKey)
                #expect(reply.status == status && reply.object as NSDictionary == ["message": message] as NSDictionary, "\(uri): \(reply.object)")
            }
            let bad = try await c.call(.get, "/m/lookup?signal_type=pdq&signal=xyz", key: f.adminKey)
            #expect(bad.status == 400 && (bad.object["message"] as? String)?.hasPrefix("invalid signal: ") == true)
            #expect(try await c.call(.post, "/m/compare", key: f.adminKey, json: ["pdq": [pdq]]).status == 400)
            #expect(try await c.call(.post, "/m/compare", key: f.adminKey, json: ["pdq": [pdq, "zz"]]).status == 400)
            let anonymous = try await c.call(.get, "/m/lookup?signal_type=pdq&signal=\(pdq)", key: nil)
            #expect(anonymous.status == 401 && anonymous.object["message"] is String)
            let notImage = try await c.multipart("/m/lookup", key: f.adminKey, field: "photo", file: Array("not an image".utf8))
            #expect(notImage.status == 422 && notImage.object["message"] is String)
            #expect(try await c.multipart("/m/lookup", key: f.adminKey, field: "picture", file: Self.image).status == 400)
        }
    }

    @Test func coopManagesBanksAsCollectionsAndContentAsSignals() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            let banks = try await c.call(.get, "/c/banks", key: f.adminKey)
            #expect(banks.array.map { $0["name"] as? String } == ["TERRORIST_CONTENT"])
            #expect(banks.array.first?["matching_enabled_ratio"] as? Double == 1.0)

            let created = try await c.call(.post, "/c/banks", key: f.adminKey, json: ["name": "COOP_ALPHA_TVEC"])
            #expect(created.status == 201 && created.object["name"] as? String == "COOP_ALPHA_TVEC")
            let again = try await c.call(.post, "/c/banks", key: f.adminKey, json: ["name": "COOP_ALPHA_TVEC"])
            #expect(again.status == 403 && again.object["message"] as? String == "Bank already exists")
            #expect(try await c.call(.post, "/c/banks", key: f.adminKey, json: ["name": "lower case"]).status == 400)
            #expect(try await c.call(.get, "/c/banks", key: f.adminKey).array.count == 2)

            let hash = String(repeating: "a5", count: 32)
            let added = try await c.call(.post, "/c/bank/COOP_ALPHA_TVEC/signal", key: f.adminKey, json: ["pdq": hash, "note": "from Coop"])
            let id = try #require(added.object["id"] as? Int)
            #expect(added.object["signals"] as? [String: String] == ["pdq": hash])
            let content = try await c.call(.get, "/c/bank/COOP_ALPHA_TVEC/content/\(id)", key: f.adminKey)
            #expect(content.object["id"] as? Int == id && content.object["disable_until_ts"] as? Int == 0)
            #expect((content.object["bank"] as? [String: Any])?["name"] as? String == "COOP_ALPHA_TVEC")
            #expect(content.object["signals"] as? [String: String] == ["pdq": hash] && content.object["note"] as? String == "from Coop")
            let uploaded = try await c.multipart("/c/bank/COOP_ALPHA_TVEC/content", key: f.adminKey, field: "photo", file: Self.image)
            #expect(uploaded.status == 200 && (uploaded.object["signals"] as? [String: String])?["pdq"]?.count == 64)

            let found = try await c.call(.get, "/m/lookup?signal_type=pdq&signal=\(hash)", key: f.adminKey)
            #expect(found.object as NSDictionary == ["COOP_ALPHA_TVEC": [["bank_content_id": id, "distance": "0"]]] as NSDictionary)
            let removed = try await c.call(.delete, "/c/bank/COOP_ALPHA_TVEC/content/\(id)", key: f.adminKey)
            #expect(removed.object as NSDictionary == ["deleted": 1] as NSDictionary)
            #expect(try await c.call(.get, "/m/lookup?signal_type=pdq&signal=\(hash)", key: f.adminKey).object.isEmpty)
            // Deleted as HMA sees it: not found, and not deleted twice (schemathesis's ST301).
            #expect(try await c.call(.get, "/c/bank/COOP_ALPHA_TVEC/content/\(id)", key: f.adminKey).status == 404)
            #expect(try await c.call(.delete, "/c/bank/COOP_ALPHA_TVEC/content/\(id)", key: f.adminKey).status == 404)

            let missing = try await c.call(.get, "/c/bank/NOPE", key: f.adminKey)
            #expect(missing.status == 404 && missing.object["message"] as? String == "bank 'NOPE' not found")
            #expect(try await c.call(.get, "/c/bank/TERRORIST_CONTENT/content/\(id)", key: f.adminKey).status == 404)
            // Refused by design, and well-formed: 403 with HMA's message, not 400.
            let delete = try await c.call(.delete, "/c/bank/COOP_ALPHA_TVEC", key: f.adminKey)
            #expect(delete.status == 403 && (delete.object["message"] as? String)?.contains("never deletes") == true)
            let rename = try await c.call(.put, "/c/bank/COOP_ALPHA_TVEC", key: f.adminKey, json: ["name": "OTHER"])
            #expect(rename.status == 403 && (rename.object["message"] as? String)?.contains("keeps its name") == true)
            #expect(try await c.call(.get, "/c/bank/COOP_ALPHA_TVEC", key: f.adminKey).status == 200, "refused, so still there")
            #expect(try await c.call(.post, "/c/bank/COOP_ALPHA_TVEC/signal", key: f.adminKey, json: ["pdq": "abc"]).status == 400)

            // A read-only key may look but not add; nothing is stored.
            let reader = try await c.call(.post, "/v1/organisations/\(f.alpha)/keys", key: f.adminKey, json: ["role": "consumer"])
            let readKey = try #require(reader.object["secret"] as? String)
            let refused = try await c.call(.post, "/c/banks", key: readKey, json: ["name": "SNEAKY"])
            #expect(refused.status == 403 && refused.object["message"] is String)
            #expect(try await c.call(.post, "/c/bank/COOP_ALPHA_TVEC/signal", key: readKey, json: ["pdq": hash]).status == 403)
            #expect(try await c.call(.get, "/c/banks", key: f.adminKey).array.count == 2)
        }
    }

    /// The hash with its first `bits` bits flipped.
    static func flip(_ hex: String, bits: Int) -> String {
        var digits = Array(hex)
        for bit in 0..<bits {
            let index = bit / 4
            let value = Int(String(digits[index]), radix: 16)! ^ (8 >> (bit % 4))
            digits[index] = Character(String(value, radix: 16))
        }
        return String(digits)
    }
}

extension HubClient {
    /// A body that is not JSON (HMA's text answers).
    func text(_ method: HTTPRequest.Method, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: method) { String(buffer: $0.body) }
    }

    /// One file as `multipart/form-data`, as HMA's clients upload.
    func multipart(_ uri: String, key: String?, field: String, file: [UInt8]) async throws -> Reply {
        let boundary = "cordon-test-\(UUID().uuidString)"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"upload\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            let data = Data(response.body.readableBytesView)
            return Reply(status: Int(response.status.code), json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
        }
    }
}
