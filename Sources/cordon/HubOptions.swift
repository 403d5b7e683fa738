import ArgumentParser
import NIOHTTP1

/// `--hub` and `--key`, for the commands that talk to a hub.
struct HubOptions: ParsableArguments {
    @Option(help: "The hub's address.")
    var hub = "http://127.0.0.1:8080"

    @Option(help: "An API key of your organisation (default: $CORDON_KEY).")
    var key: String?

    var api: HubAPI {
        get throws { HubAPI(base: hub, key: try HubAPI.key(key)) }
    }

    /// Sends one request; prints the JSON answer, or the hub's error on stderr.
    func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws {
        print(try await api.text(method, path, json: json))
    }
}
