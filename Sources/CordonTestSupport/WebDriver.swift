import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small W3C WebDriver client driving Debian's headless Chromium through
/// `chromium-driver`, for tests of the pages in a real browser. The driver and the browser
/// are started by ``start()`` on a free loopback port and ended by ``quit()``.
public final class WebDriver: Sendable {
    /// Why the browser tests cannot run here, or a command failed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// An element found on the page.
    public struct Element: Sendable {
        let id: String
        let driver: WebDriver

        public func click() async throws { _ = try await driver.call("POST", "element/\(id)/click", [:]) }
        /// Types into a field; for `<input type=file>`, the path of the file to choose.
        public func type(_ text: String) async throws { _ = try await driver.call("POST", "element/\(id)/value", ["text": text]) }
        public func clear() async throws { _ = try await driver.call("POST", "element/\(id)/clear", [:]) }
        public func text() async throws -> String { try await driver.call("GET", "element/\(id)/text") as? String ?? "" }
        public func attribute(_ name: String) async throws -> String? { try await driver.call("GET", "element/\(id)/attribute/\(name)") as? String }
        public func property(_ name: String) async throws -> Any? { try await driver.call("GET", "element/\(id)/property/\(name)") }
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    private let process: Process
    private let base: String
    private let session: String
    private let profile: URL

    /// The paths of Debian's packages; `nil` when they are not installed.
    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    }

    private init(process: Process, base: String, session: String, profile: URL) {
        self.process = process
        self.base = base
        self.session = session
        self.profile = profile
    }

    /// Starts chromedriver and a headless Chromium window of `width`×`height`.
    public static func start(width: Int = 1280, height: Int = 900) async throws -> WebDriver {
        guard available else { throw Failure(description: "chromium and chromium-driver are not installed: run ./scripts/install-deps.sh") }
        let port = LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.runUnmasked()
        let base = "http://127.0.0.1:\(port)"
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-chromium-\(UUID().uuidString)")
        do {
            let deadline = Date().addingTimeInterval(30)
            while true {
                if let status = try? await request("GET", base + "/status", nil), (status["value"] as? [String: Any])?["ready"] as? Bool == true { break }
                guard Date() < deadline else { throw Failure(description: "chromedriver did not start within 30 s") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:chromeOptions": [
                    "binary": "/usr/bin/chromium",
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--window-size=\(width),\(height)", "--user-data-dir=\(profile.path)"],
                ],
            ]]]
            let answer = try await request("POST", base + "/session", capabilities)
            guard let value = answer["value"] as? [String: Any], let session = value["sessionId"] as? String else {
                throw Failure(description: "chromedriver made no session: \(answer)")
            }
            return WebDriver(process: process, base: base, session: session, profile: profile)
        } catch {
            Self.stop(process)
            try? FileManager.default.removeItem(at: profile)
            throw error
        }
    }

    /// Closes the browser and stops the driver.
    public func quit() async {
        _ = try? await Self.request("DELETE", "\(base)/session/\(session)", nil)
        Self.stop(process)
        try? FileManager.default.removeItem(at: profile)
    }

    public func go(_ url: String) async throws { _ = try await call("POST", "url", ["url": url]) }
    public func currentURL() async throws -> String { try await call("GET", "url") as? String ?? "" }
    public func title() async throws -> String { try await call("GET", "title") as? String ?? "" }
    public func source() async throws -> String { try await call("GET", "source") as? String ?? "" }

    public func find(_ css: String) async throws -> Element {
        let value = try await call("POST", "element", ["using": "css selector", "value": css])
        guard let object = value as? [String: Any], let id = object[Self.elementKey] as? String else {
            throw Failure(description: "no element matches \(css)")
        }
        return Element(id: id, driver: self)
    }

    /// The text of the first element matching `css`, found again if a live part of the page
    /// replaced it meanwhile.
    public func text(_ css: String) async throws -> String {
        var attempt = 0
        while true {
            do {
                return try await find(css).text()
            } catch let failure as Failure where failure.description.contains("stale element") && attempt < 5 {
                attempt += 1
            }
        }
    }

    public func findAll(_ css: String) async throws -> [Element] {
        let value = try await call("POST", "elements", ["using": "css selector", "value": css])
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Self.elementKey] as? String).map { Element(id: $0, driver: self) } }
    }

    /// Runs `script` in the page and returns what it returns.
    public func run(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "execute/sync", ["script": script, "args": arguments])
    }

    public func setWindow(width: Int, height: Int) async throws {
        _ = try await call("POST", "window/rect", ["width": width, "height": height])
    }

    /// Waits (polling) until `condition` holds, up to `timeout`; fails naming `what`.
    public func wait(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let clock = ContinuousClock(), end = clock.now + timeout
        while true {
            if (try? await condition()) == true { return }
            guard clock.now < end else { throw Failure(description: "timed out after \(timeout) waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Saves a PNG of the window to `path`.
    public func screenshot(to path: URL) async throws {
        guard let text = try await call("GET", "screenshot") as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: path)
    }

    // MARK: The protocol

    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let answer = try await Self.request(method, "\(base)/session/\(session)/\(path)", body ?? (method == "POST" ? [:] : nil))
        if let value = answer["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \(value["message"] as? String ?? "")")
        }
        return answer["value"]
    }

    private static func request(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// SIGKILL: the test runner leaves SIGTERM ignored in its children.
    private static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
