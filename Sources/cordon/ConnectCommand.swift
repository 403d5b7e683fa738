import ArgumentParser
import CordonInterop
import Foundation
import NIOHTTP1

/// `cordon connect`: the lines to change in the tools a platform already runs so they
/// read a Cordon collection (python-threatexchange, HMA, Coop), with this key filled in.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Print the settings that point python-threatexchange, HMA and its clients at a collection.")

    @OptionGroup var options: HubOptions

    @Option(help: "The collection's id.")
    var collection: String

    func run() async throws {
        guard let id = UUID(uuidString: collection) else { throw ValidationError("--collection: give the collection's id (a UUID)") }
        let api = try options.api
        let me = try await api.object(.GET, "/v1/me")
        guard let organisation = ((me["organisation"] as? [String: Any])?["id"] as? String).flatMap(UUID.init(uuidString:)) else {
            throw ValidationError("the hub's /v1/me did not name your organisation")
        }
        print(Self.settings(hub: api.base, key: api.key, organisation: organisation, collection: id))
    }

    static func settings(hub: String, key: String, organisation: UUID, collection: UUID) -> String {
        let token = ExchangeIdentifiers.appToken(organisation: organisation, key: key)
        let group = ExchangeIdentifiers.number(collection)
        return """
        # python-threatexchange CLI (StopNCII shape; no code):
        export TX_STOPNCII_KEYS="\(key),\(collection.uuidString),\(hub)/compat/stopncii/v1"
        threatexchange config collab edit stop_ncii CORDON --create && threatexchange fetch

        # HMA 2.x (StopNCII shape; no code):
        curl -X POST $HMA/c/exchanges/api/stop_ncii -H 'Content-Type: application/json' \\
          -d '{"credential_json": {"fetch_function_key": "\(key)", "subscription_key": "\(collection.uuidString)", "base_url_override": "\(hub)/compat/stopncii/v1"}}'
        curl -X POST $HMA/c/exchanges -H 'Content-Type: application/json' -d '{"bank": "CORDON", "api": "stop_ncii", "api_json": {}}'

        # ThreatExchange shape (full fidelity: retractions, opinions, labels), in Python:
        #   from threatexchange.exchanges.clients.fb_threatexchange.api import ThreatExchangeAPI
        #   api = ThreatExchangeAPI("\(token)", endpoint_override="\(hub)/compat/te/v21.0")
        # privacy group: \(group)   access token: \(token)

        # HMA's clients (Coop, the FetLife gem): point them at the hub, with the key as a bearer token
        HMA_SERVICE_URL=\(hub)/    # Authorization: Bearer \(key)

        # python-threatexchange local_file, offline:
        cordon export --hub \(hub) --collection \(collection.uuidString) --format pytx-file -o cordon.txt
        """
    }
}
