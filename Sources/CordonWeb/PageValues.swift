import CordonDomain
import CordonServices
import CordonStore
import Foundation

/// How values read on a page: times as ISO 8601 (the script shows them in the viewer's
/// zone), labels and organisations in words.
enum PageValues {
    static func time(_ date: Date?) -> String {
        date.map { HubStore.iso($0) } ?? ""
    }

    /// What is left until `deadline`, as h:mm:ss (what the page shows before its script runs).
    static func timeLeft(_ deadline: Date, now: Date) -> String {
        let seconds = Int(deadline.timeIntervalSince(now).rounded())
        let s = abs(seconds)
        return (seconds < 0 ? "late by " : "") + String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    static func labels(_ labels: SignalLabels) -> String {
        var parts = labels.categories.map(\.rawValue) + labels.behaviours.map(\.rawValue)
        if let entity = labels.entity { parts.append("entity: " + entity) }
        if let incident = labels.incident { parts.append("incident: " + incident) }
        return parts.joined(separator: ", ")
    }

    static func names(_ ids: [UUID], _ names: [UUID: String]) -> String {
        ids.map { names[$0] ?? $0.uuidString }.joined(separator: ", ")
    }

    static func detail(_ detail: [String: String]) -> String {
        detail.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }

    static func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, selected: String?) -> [[String: Any]]
    where T.RawValue == String {
        T.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == selected] }
    }
}

extension WebPages {
    /// Every organisation's name by id (anyone may list them).
    func organisationNames(_ caller: Caller) async throws -> [UUID: String] {
        Dictionary(uniqueKeysWithValues: try await services.organisations(caller).map { ($0.id, $0.name) })
    }
}
