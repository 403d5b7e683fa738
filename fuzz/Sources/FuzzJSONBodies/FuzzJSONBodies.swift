import CordonDomain
import CordonServices
import Foundation
import FuzzSupport

/// Every JSON body the hub and the mirror read: the mirror's hand-written reader of its
/// upstream's feed pages, snapshots and live changes (``API/FeedPage``), and the hub's
/// request bodies decoded and checked as their routes do (submissions with each signal's
/// validation, case actions, orders with their rules, matches, notices, preservations,
/// campaigns, holds, webhooks, incidents), through the same nesting check. A crash, a hang
/// or a sanitizer report is a finding (the first: Foundation's decoder trapped on 513 `[`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONBodies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? API.FeedPage(json: bytes)
    _ = try? API.SignalSnapshot(json: bytes)
    _ = try? API.FeedPage.Change(json: bytes)
    let json = Data(bytes), decoder = JSONDecoder()
    if let submission = try? decoder.decode(API.Submission.self, fromUntrusted: json) {
        for signal in submission.signals.prefix(16) { _ = try? signal.validated(maxFrames: 1_000) }
    }
    if let action = try? decoder.decode(API.ActionIn.self, fromUntrusted: json) { _ = try? action.caseAction() }
    if let order = try? decoder.decode(API.NewOrder.self, fromUntrusted: json) {
        _ = try? order.order.validate()
        _ = order.order.canonicalBytes
    }
    _ = try? decoder.decode(API.NewReferral.self, fromUntrusted: json)
    _ = try? decoder.decode(API.MatchQuery.self, fromUntrusted: json)
    _ = try? decoder.decode(API.NoticeIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.NoticeDecisionIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.PreservationIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.CampaignIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.ReachIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.HoldIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.WebhookIn.self, fromUntrusted: json)
    _ = try? decoder.decode(API.NewIncident.self, fromUntrusted: json)
    _ = try? decoder.decode(API.SharedURLIn.self, fromUntrusted: json)
    return 0
}

@_cdecl("FuzzJSONBodies_main")
public func fuzzJSONBodiesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzJSONBodies)
}
