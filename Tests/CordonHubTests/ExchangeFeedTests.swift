import CordonHub
import CordonInterop
import CordonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The StopNCII and ThreatExchange shapes over a collection's feed: paging, checkpoints
/// that never go down, retractions and feedback, and bad input refused by field.
@Suite struct ExchangeFeedTests {
    static func hex(_ n: Int) -> String { String(format: "%064x", n) }

    @Test func stopNCIIPagesByCursorAndReportsRetractionsAndDissent() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            let beta = try await Self.member(f, c, "Beta")
            let ids = try await Self.submit(f, c, (1...5).map { ["type": "pdq", "value": Self.hex($0), "labels": ["categories": ["threat"]]] })
            #expect(try await c.call(.post, "/v1/signals/\(ids[0])/retract", key: f.adminKey).status == 200)
            #expect(try await c.call(.post, "/v1/signals/\(ids[1])/feedback", key: beta, json: ["kind": "false-positive"]).status == 200)

            func fetch(_ query: String) async throws -> [String: Any] {
                let reply = try await c.stopNCII("/compat/stopncii/v1/FetchHashes?\(query)", key: beta, collection: f.collection.uuidString)
                #expect(reply.status == 200, "\(reply.object)")
                return reply.object
            }
            var records: [[String: Any]] = []
            var token: String? = nil
            var checkpoints: [Int] = []
            repeat {
                let page = try await fetch("startTimestamp=10&pageSize=2" + (token.map { "&nextPageToken=\($0)" } ?? ""))
                records += page["hashRecords"] as? [[String: Any]] ?? []
                checkpoints.append(page["nextSetTimestamp"] as! Int)
                token = page["hasMoreRecords"] as? Bool == true ? page["nextPageToken"] as? String : nil
                #expect((page["hashRecords"] as? [Any])?.count == page["count"] as? Int)
            } while token != nil
            #expect(checkpoints == checkpoints.sorted(), "a checkpoint never goes down")
            // Five additions, a retraction and a feedback: seven changes, the first two
            // signals' latest states twice.
            #expect(records.count == 7)
            let withdrawn = records.first { $0["hashValue"] as? String == Self.hex(1) && $0["hashStatus"] as? String == "Withdrawn" }
            #expect(withdrawn != nil)
            let feedbacks = (records.last { $0["hashValue"] as? String == Self.hex(2) }?["CSPFeedbacks"] as? [[String: Any]]) ?? []
            #expect(feedbacks.map { "\($0["feedbackValue"]!) \($0["source"]!)" } == ["Blocked Alpha", "NotBlocked Beta"])
            #expect(feedbacks.first?["tags"] as? [String] == ["category:threat"])
            #expect(records.allSatisfy { $0["signalType"] as? String == "ImagePDQ" && $0["caseNumbers"] as? [String: String] == [:] })

            // Up to date: an empty page at the same checkpoint.
            let last = checkpoints.last!
            let current = try await fetch("startTimestamp=\(last)")
            #expect(current["count"] as? Int == 0 && current["nextSetTimestamp"] as? Int == last && current["hasMoreRecords"] as? Bool == false)

            // Bad input, each refused by field.
            for (query, headers, status, field) in [
                ("startTimestamp=-3", true, 400, "startTimestamp"),
                ("nextPageToken=garbage", true, 400, "nextPageToken"),
                ("pageSize=0", true, 400, "pageSize"),
                ("", false, 400, "Ocp-Apim-Subscription-Key"),
            ] {
                let reply = try await c.stopNCII("/compat/stopncii/v1/FetchHashes?\(query)", key: beta,
                                                 collection: headers ? f.collection.uuidString : nil)
                #expect(reply.status == status && reply.error["field"] as? String == field, "\(query): \(reply.object)")
            }
            let stranger = try await c.stopNCII("/compat/stopncii/v1/FetchHashes", key: beta, collection: UUID().uuidString)
            #expect(stranger.status == 404 && stranger.error["field"] as? String == "collection")
            let anonymous = try await c.stopNCII("/compat/stopncii/v1/FetchHashes", key: nil, collection: f.collection.uuidString)
            #expect(anonymous.status == 401)
        }
    }

    @Test func threatExchangeIsInclusiveNeverEmptyAndPagesByAbsoluteLinks() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            let group = ExchangeIdentifiers.number(f.collection)
            let token = ExchangeIdentifiers.appToken(organisation: f.alpha, key: f.adminKey).replacingOccurrences(of: "|", with: "%7C")
            let path = "/compat/te/v21.0/\(group)/threat_updates/"

            let empty = try await c.call(.get, "\(path)?access_token=\(token)", key: nil)
            let sentinel = try #require((empty.object["data"] as? [[String: Any]])?.first)
            #expect(sentinel["should_delete"] as? Bool == true && (empty.object["data"] as? [Any])?.count == 1)

            let ids = try await Self.submit(f, c, (1...3).map { ["type": "pdq", "value": Self.hex($0)] }
                + [["type": "sha256", "value": String(repeating: "e", count: 64)]])
            let first = try await c.call(.get, "\(path)?access_token=\(token)&limit=2", key: nil)
            let data = try #require(first.object["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == [String(ids[0]), String(ids[1])])
            let next = try #require((first.object["paging"] as? [String: Any])?["next"] as? String)
            #expect(next.hasPrefix("http://") && next.contains("access_token=\(token)") && next.contains("after="))
            let rest = try await c.call(.get, String(next[next.range(of: "/compat")!.lowerBound...]), key: nil)
            let restData = try #require(rest.object["data"] as? [[String: Any]])
            #expect(restData.map { $0["type"] as? String } == ["HASH_PDQ", "HASH_SHA256"])
            #expect((restData.last?["tags"] as? [String])?.contains("media_type_video") == true)
            #expect((rest.object["paging"] as? [String: Any])?["next"] == nil)

            // start_time is inclusive: a caught-up client gets its last record again.
            let lastUpdated = try #require(restData.last?["last_updated"] as? Int)
            let again = try await c.call(.get, "\(path)?access_token=\(token)&start_time=\(lastUpdated)", key: nil)
            #expect((again.object["data"] as? [[String: Any]])?.map { $0["last_updated"] as? Int } == [lastUpdated])

            for (uri, status, field) in [
                ("/compat/te/v21.0/notanumber/threat_updates/?access_token=\(token)", 400, "privacy_group"),
                ("/compat/te/v21.0/\(group + 1)/threat_updates/?access_token=\(token)", 404, "privacy_group"),
                ("\(path)?access_token=\(token)&limit=5000", 400, "limit"),
                ("\(path)?access_token=123456789%7Ccdn_00", 401, "authorization"),
                (path, 401, "authorization"),
            ] {
                let reply = try await c.call(.get, uri, key: nil)
                #expect(reply.status == status && reply.error["field"] as? String == field, "\(uri): \(reply.object)")
            }
        }
    }

    /// A second platform that may write to the fixture's collection; its admin key.
    static func member(_ f: HubFixture, _ c: HubClient, _ name: String) async throws -> String {
        let organisation = try await c.call(.post, "/v1/organisations", key: f.operatorKey, json: ["name": name, "kind": "platform"])
        let id = try #require(organisation.object["id"] as? String)
        let key = try await c.call(.post, "/v1/organisations/\(id)/keys", key: f.operatorKey, json: ["role": "admin"])
        #expect(try await c.call(.put, "/v1/collections/\(f.collection)/members/\(id)", key: f.adminKey, json: ["access": "read-write"]).status < 300)
        return try #require(key.object["secret"] as? String)
    }

    static func submit(_ f: HubFixture, _ c: HubClient, _ signals: [[String: Any]]) async throws -> [Int] {
        let reply = try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: f.adminKey, json: ["signals": signals])
        return (reply.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }
}

extension HubClient {
    /// A StopNCII-shaped call: the key as `x-functions-key`, the collection as the subscription key.
    func stopNCII(_ uri: String, key: String?, collection: String?) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("x-functions-key")!] = key }
        if let collection { headers[HTTPField.Name("Ocp-Apim-Subscription-Key")!] = collection }
        return try await client.execute(uri: uri, method: .get, headers: headers) { response in
            let data = Data(response.body.readableBytesView)
            return Reply(status: Int(response.status.code), json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
        }
    }
}

/// `GET /v1/dsa/statements` refuses malformed paging by field.
@Suite struct StatementRouteTests {
    @Test func badParametersAreRefusedByField() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            #expect(try await c.call(.get, "/v1/dsa/statements", key: f.adminKey).object["statements"] as? [Any] != nil)
            for (query, field) in [("before=yesterday", "before"), ("includeOrders=maybe", "includeOrders"), ("limit=0", "limit")] {
                let reply = try await c.call(.get, "/v1/dsa/statements?\(query)", key: f.adminKey)
                #expect(reply.status == 400 && reply.error["field"] as? String == field, "\(query): \(reply.object)")
            }
        }
    }
}
