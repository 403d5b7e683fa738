import CordonDomain
import CordonOutbound
import CordonStore
import CoreMetrics
import Foundation
import MediaDecoding
import VideoFeatures

/// What the hub accepts of videos: frames a signal may carry, and the bounds on decoding
/// an upload (which runs in a child process, a few at a time per organisation).
public struct MediaLimits: Sendable {
    public var maxFramesPerVideo = VPDQFeatureList.defaultMaxFrames
    /// The largest video upload, in bytes (images have the API's 16 MiB).
    public var maxUploadBytes = 1 << 30
    /// Uploads decoded at once for one organisation; more wait, up to `queuedPerOrganisation`.
    public var concurrentDecodesPerOrganisation = 2
    public var queuedPerOrganisation = 8
    /// A video upload's bounds: its length, its frame size and the decoder's time.
    public var maxVideoSeconds: Double = 3 * 3600
    public var maxVideoPixels = 3840 * 2160
    public var decodeTimeout: Duration = .seconds(300)
    /// Frames hashed a second of video (the reference's default is one).
    public var secondsPerHash: Double = 1
    /// An uploaded image's bounds, checked from its header before any pixel is decoded.
    public var imageLimits = DecodingLimits.upload

    public init() {}
}

/// What one client may hold open.
public struct ConnectionLimits: Sendable {
    /// A connection with no request in progress, or a request whose head or body stops
    /// arriving, is closed after this long (a slow client cannot hold sockets for ever).
    public var idleTimeout: Duration? = Self.defaultIdleTimeout
    public static let defaultIdleTimeout: Duration = .seconds(30)
    /// Live streams (server-sent events, pages' live lists) open at once per key: a
    /// mirror holds one per collection it copies.
    public var streamsPerKey = 32

    public init() {}
}

/// Settings a hub operator may change.
/// How long a browser stays signed in, and how hard passwords are to guess.
public struct SessionPolicy: Sendable {
    /// Signed out after this long without a request.
    public var idleTimeout: TimeInterval = 30 * 60
    /// Signed out this long after signing in, however busy.
    public var absoluteTimeout: TimeInterval = 12 * 3600
    /// bcrypt's cost (2^cost rounds): 10 takes about 60 ms here.
    public var passwordCost: UInt8 = 10
    /// Failed sign-ins allowed per email and per address in `failureWindow`.
    public var failureLimit = 5
    public var failureWindow: TimeInterval = 15 * 60

    public init() {}
}

public struct HubConfiguration: Sendable {
    /// When a signal stops being actionable (disputed, quarantined), and when incident
    /// material is due for review.
    public var safeguards: SafeguardRules
    /// The PDQ match threshold when a request names none.
    public var defaultMaxDistance: Int
    /// The largest threshold a request may ask for (wider radii match noise and cost more).
    public var maxDistanceCap: Int
    /// The most hashes one request may search beyond `defaultMaxDistance`.
    public var maxWideBatch = 10
    /// The most signals one submission may carry.
    public var maxSignalsPerRequest: Int
    /// Where the referral desk reads the time (tests and drills move it).
    public var clock: any WallClock
    /// Deadlines, check schedule, scrutiny windows, preservation period.
    public var desk: DeskRules
    /// Which addresses the removal checker and webhooks may reach.
    public var outboundPolicy: AddressPolicy
    /// How often the desk worker looks for due alerts, checks, deliveries and purges.
    public var deskTick: Duration
    /// The operating board's quorum and the incident levels.
    public var crisis: CrisisRules
    /// How often the hub signs the audit chain's head.
    public var auditCheckpointInterval: Duration = .seconds(60)
    /// How many frames a video signal may have, and how uploads are decoded.
    public var media = MediaLimits()
    public var sessions = SessionPolicy()
    public var connections = ConnectionLimits()
    /// The hub's signing and evidence keys, from its key file or the environment
    /// (``HubKeyFile/open(_:store:now:)``); nil: keys made for this process only, for tests
    /// and one-off commands that sign nothing lasting.
    public var keys: HubKeyring?
    /// The file `keys` came from, where the retention ratchet's moves are written; nil for
    /// keys from the environment or made for the process (the moves then last as long as it).
    public var keyFile: String?
    /// Where the hub's counters and timers go (the HTTP surface sets Prometheus's).
    public var metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance

    public init(safeguards: SafeguardRules = .default, defaultMaxDistance: Int = 31, maxDistanceCap: Int = 64,
                maxSignalsPerRequest: Int = 10_000, clock: any WallClock = SystemWallClock(), desk: DeskRules = DeskRules(),
                outboundPolicy: AddressPolicy = .publicOnly, deskTick: Duration = .milliseconds(200),
                crisis: CrisisRules = .standard) {
        self.safeguards = safeguards
        self.defaultMaxDistance = defaultMaxDistance
        self.maxDistanceCap = maxDistanceCap
        self.maxSignalsPerRequest = maxSignalsPerRequest
        self.clock = clock
        self.desk = desk
        self.outboundPolicy = outboundPolicy
        self.deskTick = deskTick
        self.crisis = crisis
    }
}
