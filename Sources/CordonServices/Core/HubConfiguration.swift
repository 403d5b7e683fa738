import CordonDomain
import CordonOutbound
import CordonStore
import Foundation

/// Settings a hub operator may change.
public struct HubConfiguration: Sendable {
    /// When dissent marks a signal disputed.
    public var disputeRule: DisputeRule
    /// The PDQ match threshold when a request names none.
    public var defaultMaxDistance: Int
    /// The largest threshold a request may ask for (wider radii match noise and cost more).
    public var maxDistanceCap: Int
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

    public init(disputeRule: DisputeRule = .default, defaultMaxDistance: Int = 31, maxDistanceCap: Int = 64,
                maxSignalsPerRequest: Int = 10_000, clock: any WallClock = SystemWallClock(), desk: DeskRules = DeskRules(),
                outboundPolicy: AddressPolicy = .publicOnly, deskTick: Duration = .milliseconds(200),
                crisis: CrisisRules = .standard) {
        self.disputeRule = disputeRule
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
