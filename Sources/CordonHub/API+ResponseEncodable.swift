import CordonDomain
import CordonServices
import CordonStore
import Hummingbird

// The API's shapes, answered as JSON through the request context's encoder.
extension API.OrganisationOut: ResponseEncodable {}
extension API.Me: ResponseEncodable {}
extension API.KeyOut: ResponseEncodable {}
extension API.CollectionOut: ResponseEncodable {}
extension API.SignalOut: ResponseEncodable {}
extension API.AuditPage: ResponseEncodable {}
extension API.CaseOut: ResponseEncodable {}
extension API.CasePage: ResponseEncodable {}
extension API.Proof: ResponseEncodable {}
extension API.URLCheckOut: ResponseEncodable {}
extension API.ComplaintOut: ResponseEncodable {}
extension API.PreservationOut: ResponseEncodable {}
extension API.HoldOut: ResponseEncodable {}
extension API.Deconfliction: ResponseEncodable {}
extension API.SigningKeyOut: ResponseEncodable {}
extension API.HubKey: ResponseEncodable {}
extension API.HubKeys: ResponseEncodable {}
extension API.CaseEventOut: ResponseEncodable {}
extension API.CaseEventPage: ResponseEncodable {}
extension API.WebhookOut: ResponseEncodable {}
extension API.DeliveryOut: ResponseEncodable {}
extension API.IncidentOut: ResponseEncodable {}
extension API.VoteOut: ResponseEncodable {}
extension API.SharedURLOut: ResponseEncodable {}
extension API.IncidentEventOut: ResponseEncodable {}
extension API.IncidentEventPage: ResponseEncodable {}
extension API.IncidentPictureOut: ResponseEncodable {}
extension API.AfterActionReport: ResponseEncodable {}
extension API.Accepted: ResponseEncodable {}
extension TransparencyFigures: ResponseEncodable {}
extension API.StatementPage: ResponseEncodable {}
extension API.AuditVerification: ResponseEncodable {}
extension API.AuditChainExport: ResponseEncodable {}
extension API.MatchCounts: ResponseEncodable {}
extension API.SignalLedger: ResponseEncodable {}
extension API.LedgerReport: ResponseEncodable {}
extension API.DesignationChangeOut: ResponseEncodable {}
extension Campaign: ResponseEncodable {}
extension API.CampaignSuggestion: ResponseEncodable {}
extension API.ReachOut: ResponseEncodable {}
extension API.NoticeReceipt: ResponseEncodable {}
extension API.NoticeOut: ResponseEncodable {}
extension API.TrustedFlaggerOut: ResponseEncodable {}
extension API.FlaggerReport: ResponseEncodable {}
extension API.NetworkReport: ResponseEncodable {}

// Written by hand (``HandWrittenJSONResponse``).
extension API.MatchResult: HandWrittenJSONResponse {}
extension API.SubmissionResult: HandWrittenJSONResponse {}
extension API.FeedPage: HandWrittenJSONResponse {}
extension API.SignalSnapshot: HandWrittenJSONResponse {}
