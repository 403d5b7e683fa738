import CordonDomain
import Foundation

/// Reads a hash list: every entry that can be imported, and every one that cannot with
/// its reason (an import reports them; it never stops at the first).
public struct HashListReader: Sendable {
    public var format: HashListFormat

    public init(format: HashListFormat) {
        self.format = format
    }

    public struct Result: Sendable {
        public var entries: [HashListEntry] = []
        public var refused: [HashListRefusal] = []
    }

    public func read(_ data: Data) throws(HashListError) -> Result {
        switch format {
        case .pytxFile: return readPytx(String(decoding: data, as: UTF8.self))
        case .csv, .hmaCSV: return try readCSV(String(decoding: data, as: UTF8.self))
        case .hmaJSON, .tat, .threatExchangeJSON: return try readJSON(data)
        }
    }

    // MARK: Text

    private func readPytx(_ text: String) -> Result {
        var result = Result()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                result.refused.append(.init(position: index + 1, reason: "expected '<signal_type> <hash>'"))
                continue
            }
            add(parts[0], parts[1], at: index + 1, to: &result)
        }
        return result
    }

    private func readCSV(_ text: String) throws(HashListError) -> Result {
        let rows = CSV.rows(text)
        guard let header = rows.first?.map({ $0.lowercased().trimmingCharacters(in: .whitespaces) }) else { return Result() }
        func column(_ names: String...) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let typeColumn = column("type", "signal_type"), let valueColumn = column("value", "signal_str", "signal") else {
            throw HashListError(message: "the CSV's first line must name its columns, with 'type' (or 'signal_type') and 'value' (or 'signal_str', 'signal')")
        }
        let categories = column("categories"), behaviours = column("behaviours"), entity = column("entity")
        let incident = column("incident"), item = column("item", "content_id"), confidence = column("confidence")
        let tags = column("tags")
        var result = Result()
        for (offset, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            let line = offset + 2
            func cell(_ index: Int?) -> String? {
                guard let index, index < row.count, !row[index].isEmpty else { return nil }
                return row[index]
            }
            var labels = SignalLabels()
            var problem: String?
            for word in (cell(categories) ?? "").split(separator: " ") {
                if let category = ContentCategory(rawValue: String(word)) { labels.categories.append(category) } else { problem = "unknown category '\(word)'" }
            }
            for word in (cell(behaviours) ?? "").split(separator: " ") {
                if let behaviour = Behaviour(rawValue: String(word)) { labels.behaviours.append(behaviour) } else { problem = "unknown behaviour '\(word)'" }
            }
            if let tags = cell(tags) {
                let read = SignalLabels.from(tags: tags.split(separator: " ").map(String.init))
                labels.categories += read.labels.categories
                labels.behaviours += read.labels.behaviours
                labels.entity = labels.entity ?? read.labels.entity
                labels.incident = labels.incident ?? read.labels.incident
            }
            labels.entity = cell(entity) ?? labels.entity
            labels.incident = cell(incident) ?? labels.incident
            var sure = 1.0
            if let text = cell(confidence) {
                if let number = Double(text), (0...1).contains(number) { sure = number } else { problem = "confidence is a number from 0 to 1; got '\(text)'" }
            }
            if let problem {
                result.refused.append(.init(position: line, reason: problem))
                continue
            }
            add(cell(typeColumn) ?? "", cell(valueColumn) ?? "", labels: labels, item: cell(item), confidence: sure, at: line, to: &result)
        }
        return result
    }

    // MARK: JSON

    private func readJSON(_ data: Data) throws(HashListError) -> Result {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw HashListError(message: "the file is not JSON: \(error.localizedDescription)")
        }
        let wrapper = format == .tat ? "results" : format == .threatExchangeJSON ? "data" : nil
        guard let list = object as? [Any] ?? wrapper.flatMap({ (object as? [String: Any])?[$0] as? [Any] }) else {
            throw HashListError(message: "a \(format.rawValue) file is a JSON list of records"
                + (wrapper.map { " or {\"\($0)\": [...]}" } ?? ""))
        }
        var result = Result()
        for (index, element) in list.enumerated() {
            guard let record = element as? [String: Any] else {
                result.refused.append(.init(position: index + 1, reason: "expected an object"))
                continue
            }
            switch format {
            case .tat:
                if record["deleted"] as? Bool == true {
                    result.refused.append(.init(position: index + 1, reason: "deleted in the list"))
                    continue
                }
                add(record["algorithm"] as? String ?? "", record["hash_digest"] as? String ?? "", at: index + 1, to: &result)
            case .threatExchangeJSON:
                if record["should_delete"] as? Bool == true {
                    result.refused.append(.init(position: index + 1, reason: "a tombstone (should_delete)"))
                    continue
                }
                let descriptors = ((record["descriptors"] as? [String: Any])?["data"] as? [[String: Any]]) ?? []
                let tags = descriptors.flatMap { $0["tags"] as? [String] ?? [] } + (record["tags"] as? [String] ?? [])
                var labels = SignalLabels.from(tags: tags).labels
                labels.categories = Array(Set(labels.categories)).sorted { $0.rawValue < $1.rawValue }
                labels.behaviours = Array(Set(labels.behaviours)).sorted { $0.rawValue < $1.rawValue }
                add(record["type"] as? String ?? "", record["indicator"] as? String ?? "", labels: labels, at: index + 1, to: &result)
            default:
                guard let signals = record["signals"] as? [String: String], !signals.isEmpty else {
                    result.refused.append(.init(position: index + 1, reason: "no 'signals' object"))
                    continue
                }
                for (type, value) in signals.sorted(by: { $0.key < $1.key }) {
                    add(type, value, item: (record["id"] as? Int).map(String.init), at: index + 1, to: &result)
                }
            }
        }
        return result
    }

    private func add(_ typeName: String, _ value: String, labels: SignalLabels = SignalLabels(), item: String? = nil,
                     confidence: Double = 1, at position: Int, to result: inout Result) {
        guard let type = SignalType(listName: typeName) else {
            result.refused.append(.init(position: position, reason: "unknown signal type '\(typeName)' (Cordon takes \(SignalType.allCases.map(\.pytxName).joined(separator: ", ")))"))
            return
        }
        var entry = HashListEntry(type: type, value: value, labels: labels, item: item, confidence: confidence)
        do {
            let valid = try entry.submission.validated()
            // Videos and TMK keep what they carry (the hub computes their identity).
            if !type.hasPayload { entry.value = valid.value }
            result.entries.append(entry)
        } catch {
            result.refused.append(.init(position: position, reason: error.message))
        }
    }
}
