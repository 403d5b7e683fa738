import CordonDomain
import CordonStore
import Foundation
import VideoFeatures


/// JSON shapes of the `/v1` API.
public enum API {
    public struct OrganisationOut: Codable, Sendable {
        public var id: UUID
        public var name: String
        public var kind: OrganisationKind
        public var memberState: String?
        /// Present while the operator has suspended it.
        public var suspendedAt: Date?
        /// Whether it sits on the operating board.
        public var board: Bool

        public init(_ record: OrganisationRecord) {
            board = record.board == true
            id = record.id!
            name = record.name
            kind = OrganisationKind(rawValue: record.kind) ?? .platform
            memberState = record.memberState
            suspendedAt = record.suspendedAt
        }
    }

    public struct Me: Codable, Sendable {
        public var organisation: OrganisationOut
        public var role: Role
        public var keyID: UUID
    }

    public struct NewOrganisation: Decodable, Sendable {
        public var name: String
        public var kind: OrganisationKind
        /// ISO 3166 alpha-2, e.g. "DE".
        public var memberState: String?
    }

    /// `PATCH /v1/organisations/{id}`: what to change (absent fields stay as they are).
    public struct OrganisationUpdate: Decodable, Sendable {
        public var name: String?
        public var kind: OrganisationKind?
        public var memberState: String?
    }

    public struct SuspensionIn: Decodable, Sendable {
        public var reason: String
    }

    public struct NewKey: Decodable, Sendable {
        public var role: Role
        public var label: String?
    }

    public struct KeyOut: Codable, Sendable {
        public var id: UUID
        public var organisationID: UUID
        public var role: Role
        public var label: String
        /// Shown once, at creation.
        public var secret: String?
        public var createdAt: Date? = nil
        public var revokedAt: Date? = nil
    }

    public struct NewCollection: Decodable, Sendable {
        public var name: String
        public var description: String?

        public init(name: String, description: String? = nil) {
            self.name = name
            self.description = description
        }
    }

    public struct CollectionOut: Codable, Sendable {
        public var id: UUID
        public var name: String
        public var description: String
        public var access: CollectionAccess?
        /// The incident whose hashes it holds, and whether that is a drill.
        public var incident: UUID? = nil
        public var drill: Bool? = nil
        /// The organisation that manages its members (none for incident collections).
        public var owner: UUID? = nil
    }

    public struct Membership: Decodable, Sendable {
        public var access: CollectionAccess
    }

    /// One signal, or `{"signals": [...]}` for up to 10,000 at once.
    public struct Submission: Decodable, Sendable {
        public var signals: [SignalSubmission]
        /// Whether the body was `{"signals": [...]}` (errors then name `signals[i].field`).
        public var isBulk: Bool

        /// Signals from another surface (a page's form, an import): `isBulk` names fields by index.
        public init(signals: [SignalSubmission], isBulk: Bool = true) {
            self.signals = signals
            self.isBulk = isBulk
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            isBulk = container.contains(.signals)
            if isBulk {
                signals = try container.decode([SignalSubmission].self, forKey: .signals)
            } else {
                signals = [try SignalSubmission(from: decoder)]
            }
        }

        public enum Keys: String, CodingKey { case signals }
    }

    public struct SignalOut: Codable, Sendable {
        public var id: Int
        public var collectionID: UUID
        public var type: SignalType
        public var value: String
        public var item: String?
        public var labels: SignalLabels
        public var confidence: Double
        public var status: SignalStatus
        public var contributors: [UUID]
        public var createdAt: Date?
        public var updatedAt: Date?
        /// A video's frames (`vpdq`), where the answer carries them (not in match answers).
        public var features: [VPDQFeature]?
        /// A `.tmk` file, base64.
        public var tmk: String?
        public var fileMD5: String?
        public var fileSHA256: String?

        public init(_ signal: StoredSignal) {
            id = signal.id
            collectionID = signal.collectionID
            type = signal.type
            value = signal.value
            item = signal.item
            labels = signal.labels
            confidence = signal.confidence
            status = signal.status
            contributors = signal.contributors
            createdAt = signal.createdAt
            updatedAt = signal.updatedAt
            if let payload = signal.payload {
                switch signal.type {
                case .vpdq: features = try? VPDQFeatureList(binary: payload, maxFrames: .max).features
                case .tmk: tmk = Data(payload).base64EncodedString()
                default: break
                }
            }
            fileMD5 = signal.fileMD5
            fileSHA256 = signal.fileSHA256
        }
    }

    public struct SubmissionResult: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var outcome: SubmissionOutcome
            public var id: Int
            /// Left out when the request said `Prefer: return=minimal`.
            public var signal: SignalOut?
        }
        public var results: [Item]
    }

    public struct NewFeedback: Decodable, Sendable {
        public var kind: FeedbackKind
        public var comment: String?
        /// How far the content the feedback is about was from the signal (PDQ bits), for
        /// the ledger by threshold.
        public var distance: Int?

        public init(kind: FeedbackKind, comment: String? = nil, distance: Int? = nil) {
            self.kind = kind
            self.comment = comment
            self.distance = distance
        }
    }

    /// A contributor's confirmation of a disputed, quarantined or due signal.
    public struct Confirmation: Decodable, Sendable {
        public var comment: String?
        /// When the signal must be looked at again (ISO 8601); none when left out.
        public var reviewBy: String?

        public init(comment: String? = nil, reviewBy: String? = nil) {
            self.comment = comment
            self.reviewBy = reviewBy
        }
    }

    /// What to match: hashes, URLs, videos (frames or reference text), TMK files, and how.
    public struct MatchQuery: Decodable, Sendable {
        public struct Hash: Decodable, Sendable {
            public var type: SignalType
            /// A hash, a URL, or a video's reference text.
            public var value: String
            public var features: [VPDQFeature]?
            public var tmk: String?
            /// Checked like a submission's, though matching goes by the features.
            public var fileMD5: String?
            public var fileSHA256: String?

            public init(type: SignalType, value: String, features: [VPDQFeature]? = nil, tmk: String? = nil) {
                self.type = type
                self.value = value
                self.features = features
                self.tmk = tmk
            }

            public init(from decoder: any Decoder) throws {
                let submission = try SignalSubmission(from: decoder)
                self.init(type: submission.type, value: submission.value, features: submission.features, tmk: submission.tmk)
                fileMD5 = submission.fileMD5
                fileSHA256 = submission.fileSHA256
            }

            /// The query as a submission, for one validation of both.
            public var submission: SignalSubmission {
                SignalSubmission(type: type, value: value, features: features, tmk: tmk, fileMD5: fileMD5, fileSHA256: fileSHA256)
            }
        }
        public var hashes: [Hash]
        public var maxDistance: Int?
        /// Videos: the rule (python-threatexchange's by default) and its thresholds.
        public var rule: VPDQMatchRule?
        public var queryMatchPercent: Double?
        public var comparedMatchPercent: Double?
        /// Also search video frames with an image, and images with a video's frames.
        public var acrossMedia: Bool?
        public var urlMatch: URLMatchMode?
        /// TMK's level-1 and level-2 thresholds (0.7 each by default).
        public var tmkLevel1: Double?
        public var tmkLevel2: Double?
        /// The platform's language (ISO 639-1) and country (ISO 3166; its organisation's
        /// member state when left out), for the campaigns a match suggests.
        public var language: String?
        public var country: String?

        public init(hashes: [Hash], maxDistance: Int? = nil, rule: VPDQMatchRule? = nil, queryMatchPercent: Double? = nil,
                    comparedMatchPercent: Double? = nil, acrossMedia: Bool? = nil, urlMatch: URLMatchMode? = nil) {
            self.hashes = hashes
            self.maxDistance = maxDistance
            self.rule = rule
            self.queryMatchPercent = queryMatchPercent
            self.comparedMatchPercent = comparedMatchPercent
            self.acrossMedia = acrossMedia
            self.urlMatch = urlMatch
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            maxDistance = try container.decodeIfPresent(Int.self, forKey: .maxDistance)
            rule = try container.decodeIfPresent(VPDQMatchRule.self, forKey: .rule)
            queryMatchPercent = try container.decodeIfPresent(Double.self, forKey: .queryMatchPercent)
            comparedMatchPercent = try container.decodeIfPresent(Double.self, forKey: .comparedMatchPercent)
            acrossMedia = try container.decodeIfPresent(Bool.self, forKey: .acrossMedia)
            urlMatch = try container.decodeIfPresent(URLMatchMode.self, forKey: .urlMatch)
            tmkLevel1 = try container.decodeIfPresent(Double.self, forKey: .tmkLevel1)
            tmkLevel2 = try container.decodeIfPresent(Double.self, forKey: .tmkLevel2)
            language = try container.decodeIfPresent(String.self, forKey: .language)
            country = try container.decodeIfPresent(String.self, forKey: .country)
            if container.contains(.hashes) {
                hashes = try container.decode([Hash].self, forKey: .hashes)
            } else {
                hashes = [try Hash(from: decoder)]
            }
        }

        public enum Keys: String, CodingKey {
            case hashes, maxDistance, rule, queryMatchPercent, comparedMatchPercent, acrossMedia, urlMatch, tmkLevel1, tmkLevel2, language, country
        }
    }

    public struct MatchResult: Codable, Sendable {
        public struct Match: Codable, Sendable {
            public var signal: SignalOut
            /// PDQ bits apart (0 for an exact type); for a match across media, of the frame.
            public var distance: Int?
            /// A video match: the share of the query's frames near the video's, and of its
            /// frames near the query's.
            public var queryMatchPercent: Double?
            public var comparedMatchPercent: Double?
            /// Across media: the video frame an image matched, or the query frame that
            /// matched an image.
            public var frame: Frame?
            /// A TMK match's two scores.
            public var level1: Double?
            public var level2: Double?
            /// True when the signal is disputed or quarantined: look before acting. Left
            /// out when the match may be acted on.
            public var reviewOnly: Bool?

            public init(signal: SignalOut, distance: Int? = nil, queryMatchPercent: Double? = nil, comparedMatchPercent: Double? = nil,
                        frame: Frame? = nil, level1: Double? = nil, level2: Double? = nil) {
                self.signal = signal
                reviewOnly = signal.status.isActionable ? nil : true
                self.distance = distance
                self.queryMatchPercent = queryMatchPercent
                self.comparedMatchPercent = comparedMatchPercent
                self.frame = frame
                self.level1 = level1
                self.level2 = level2
            }
        }
        public struct Frame: Codable, Sendable, Hashable {
            public var frameNumber: Int
            public var timestamp: Double

            public init(_ feature: VPDQFeature) {
                frameNumber = feature.frameNumber
                timestamp = Double(VPDQFeature.threeDecimals(feature.timestamp)) ?? Double(feature.timestamp)
            }
        }
        public struct QueryResult: Codable, Sendable {
            public var type: SignalType
            /// The query's value in normal form (a video's: its identity).
            public var value: String
            public var matches: [Match]
            /// Frames of a video query below the quality threshold: not matched.
            public var lowQualityFrames: Int?
            /// An uploaded image's PDQ quality; under 50 its PDQ is not matched (it would
            /// match noise), though its digests are.
            public var quality: Int?
        }
        public var results: [QueryResult]
        /// Counter-narrative campaigns suited to what matched, for a "get help" notice;
        /// left out when none is.
        public var campaigns: [CampaignSuggestion]?
    }

    public struct FeedPage: Codable, Sendable {
        public struct Change: Codable, Sendable {
            public var cursor: Int
            public var kind: ChangeKind
            public var at: Date?
            public var signal: SignalOut

            public init(_ change: SignalChange) {
                cursor = change.cursor
                kind = change.kind
                at = change.at
                signal = SignalOut(change.signal)
            }
        }
        public var changes: [Change]
        /// Pass as `since` for the next page; equal to the request's when nothing is new.
        public var next: Int
    }

    /// A page of a mirror's first copy: a collection's signals as they are, in id order.
    public struct SignalSnapshot: Codable, Sendable {
        /// The collection's newest feed cursor when the page was read: every change up to it
        /// shows in the signals. A mirror follows the feed from its first page's.
        public var asOf: Int
        public var signals: [SignalOut]
        /// Pass as `after` for the next page.
        public var next: Int
        /// Whether this is the last page.
        public var complete: Bool

        public init(asOf: Int, signals: [SignalOut], next: Int, complete: Bool) {
            self.asOf = asOf
            self.signals = signals
            self.next = next
            self.complete = complete
        }
    }

    public struct AuditPage: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public var id: Int
            public var at: Date?
            public var organisationID: UUID?
            public var keyID: UUID?
            public var action: String
            public var target: String
            public var detail: [String: String]
        }
        public var entries: [Entry]
        public var next: Int
    }
}
