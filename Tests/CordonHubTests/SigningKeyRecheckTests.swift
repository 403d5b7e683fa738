@testable import CordonDomain
import CordonStore
import Crypto
import Foundation
import SQLKit
import Testing

/// A key stored before the hub refused keys of small or mixed order (review finding F8) is
/// checked again when it signs: it can no longer issue an order.
@Suite struct SigningKeyRecheckTests {
    @Test func aStoredKeyOfMixedOrderNoLongerIssuesOrders() async throws {
        let d = try await DeskFixture.make(.sqlite)
        try await d.hub.withServer { c in
            let keyID = try await d.registerKey(c)
            #expect(try await d.order(c, urls: ["https://ok.org/a"], keyID: keyID).status == 201)

            // As if registered earlier: the real key plus the point of order 2, (0, -1).
            let real = d.frSigner.publicKey.rawRepresentation
            let orderTwo = try #require(EdwardsPoint(encoding: [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f]))
            let mixed = (try #require(EdwardsPoint(encoding: Array(real))) + orderTwo).encoding
            let sql = d.hub.database.database as! any SQLDatabase
            try await sql.update("signing_keys").set("public_key", to: Data(mixed).base64EncodedString())
                .where("public_key", .equal, real.base64EncodedString()).run()

            let refused = try await d.order(c, urls: ["https://ok.org/b"], keyID: keyID)
            #expect(refused.status == 400 && refused.error["field"] as? String == "signingKey", "\(refused.json ?? "")")
            #expect((refused.error["message"] as? String)?.contains("no longer accepted") == true)
        }
    }
}
