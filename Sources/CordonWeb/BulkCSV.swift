import CordonDomain
import CordonServices
import CordonStore
import Foundation

/// The pages' bulk import: `type,value,category,entity` a line (RFC 4180 quoting), a
/// header line skipped.
enum BulkCSV {
    /// The most lines a file may have.
    static let maxLines = 100_000

    static func submissions(_ text: String) throws -> [SignalSubmission] {
        var submissions: [SignalSubmission] = []
        let lines = text.split(whereSeparator: \.isNewline)
        guard lines.count <= maxLines + 1 else {
            throw ServiceError.invalid("csv", "the file has \(lines.count) lines; import at most \(maxLines) at a time (split the file)")
        }
        for (number, line) in lines.enumerated() {
            let fields = parse(String(line))
            if number == 0, fields.first?.lowercased() == "type" { continue }
            guard fields.count >= 2 else {
                throw ServiceError.invalid("csv", "line \(number + 1) needs at least a type and a value")
            }
            guard let type = SignalType(rawValue: fields[0]) else {
                throw ServiceError.invalid("csv", "line \(number + 1): '\(fields[0])' is not a type; use one of \(SignalType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var labels = SignalLabels()
            if fields.count > 2, !fields[2].isEmpty {
                guard let category = ContentCategory(rawValue: fields[2]) else {
                    throw ServiceError.invalid("csv", "line \(number + 1): '\(fields[2])' is not a category; use one of \(ContentCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                labels.categories = [category]
            }
            if fields.count > 3, !fields[3].isEmpty { labels.entity = fields[3] }
            submissions.append(SignalSubmission(type: type, value: fields[1], labels: labels))
        }
        guard !submissions.isEmpty else { throw ServiceError.invalid("csv", "the file has no hashes") }
        return submissions
    }

    static func parse(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            switch (character, quoted) {
            case ("\"", true):
                if let next = characters.next() {
                    if next == "\"" { field.append("\"") } else {
                        quoted = false
                        if next == "," { fields.append(field); field = "" } else { field.append(next) }
                    }
                } else { quoted = false }
            case ("\"", false) where field.isEmpty: quoted = true
            case (",", false): fields.append(field); field = ""
            default: field.append(character)
            }
        }
        fields.append(field)
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A field as CSV writes it: quoted when it holds a comma, quote or line break; and a
    /// leading `=`, `+`, `-` or `@` prefixed with `'` so a spreadsheet does not run it.
    static func quote(_ field: String) -> String {
        var text = field
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
