import CordonServices
import CordonDomain
import CordonStore
import Foundation
import Hummingbird

/// Per-request state: who is calling (set by ``APIKeyAuthenticator``).
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    /// The signed-in person, on the pages (set by the pages' session middleware).
    public var session: HubStore.SignedIn?

    /// The peer's IP address, for throttling sign-ins.
    public var peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bulk submissions of 10,000 signals fit; anything larger is refused with 413.
    public var maxUploadSize: Int { 16 << 20 }

    public var responseEncoder: JSONEncoder { Self.encoder }

    /// JSON as every response is written, but those that write their own
    /// (``HandWrittenJSONResponse``), which must match it.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            // ISO 8601 with milliseconds: timelines and deadlines need sub-second times.
            var container = encoder.singleValueContainer()
            try container.encode(HubStore.iso(date))
        }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The authenticated caller, if a key of its kind and role could ever do `useCase`:
    /// checked before the body is read, so a caller who may not never learns how to word it.
    func requireCaller(_ useCase: UseCase, _ services: HubServices) throws -> Caller {
        let caller = try requireCaller()
        try services.mayAttempt(useCase, caller)
        return caller
    }

    /// The authenticated caller; routes behind the authenticator can rely on it.
    public func requireCaller() throws -> Caller {
        guard let caller else { throw ServiceError.unauthorized("send an API key as 'Authorization: Bearer cdn_…'") }
        return caller
    }
}
