import Foundation
import MediaDecoding
import MediaHashing
import PDQ
import VideoHash

/// Prints hash records in the format `cordon hash` was asked for.
struct HashOutputWriter {
    let format: HashCommand.Format
    let dihedral: Bool
    let digests: Bool

    /// The variants in the reference tool's `--pdqdih-across` order.
    private static let variants: [DihedralTransform] = [
        .original, .rotate90, .rotate180, .rotate270, .flipX, .flipY, .flipPlus1, .flipMinus1,
    ]

    func writeHeader() {
        guard format == .csv else { return }
        var columns = ["path", "format", "width", "height", "pdq", "quality", "low_quality"]
        if dihedral { columns += Self.variants.map { "pdq_\($0.rawValue)" } }
        if digests { columns += ["md5", "sha256"] }
        emit(columns.joined(separator: ","))
    }

    /// A video: the vPDQ reference's lines (after `# path` when several videos are
    /// written), or one JSON object.
    func write(_ video: VPDQVideo, path: String, header: Bool, secondsPerHash: Double) {
        switch format {
        case .text, .csv:
            var lines = header ? ["# \(path)"] : []
            lines += video.features.map(\.line)
            if !lines.isEmpty { emit(lines.joined(separator: "\n")) }
        case .json:
            let object: [String: Any] = [
                "path": path, "type": "vpdq", "width": video.info.width, "height": video.info.height,
                "frameRate": video.info.frameRate, "secondsPerHash": secondsPerHash,
                "frames": video.features.map {
                    ["frame": $0.frameNumber, "quality": $0.quality, "hash": $0.hash.hex, "timestamp": Double($0.timestamp)] as [String: Any]
                },
            ]
            emit(String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(),
                        as: UTF8.self))
        }
    }

    func write(_ record: MediaHashRecord) {
        switch format {
        case .text: emit(textLine(record))
        case .csv: emit(csvLine(record))
        case .json: emit(jsonLine(record))
        }
    }

    /// `hash,quality,path`, or `orig,rot90,...,flipm,quality,path` with --dihedral, as the
    /// reference tool prints them; digests go before the path so the path stays last.
    func textLine(_ record: MediaHashRecord) -> String {
        var fields: [String]
        if dihedral, let variants = record.dihedral {
            fields = Self.variants.map { variants[$0].hex } + [String(variants.quality)]
        } else {
            fields = [record.pdq.hash.hex, String(record.pdq.quality)]
        }
        if digests { fields += [record.md5 ?? "", record.sha256 ?? ""] }
        return (fields + [record.path]).joined(separator: ",")
    }

    func csvLine(_ record: MediaHashRecord) -> String {
        var fields = [
            Self.csvQuoted(record.path), record.format.rawValue, String(record.width), String(record.height),
            record.pdq.hash.hex, String(record.pdq.quality), record.pdq.isLowQuality ? "true" : "false",
        ]
        if dihedral { fields += Self.variants.map { record.dihedral?[$0].hex ?? "" } }
        if digests { fields += [record.md5 ?? "", record.sha256 ?? ""] }
        return fields.joined(separator: ",")
    }

    func jsonLine(_ record: MediaHashRecord) -> String {
        var object: [String: Any] = [
            "path": record.path, "format": record.format.rawValue,
            "width": record.width, "height": record.height,
            "pdq": record.pdq.hash.hex, "quality": record.pdq.quality,
            "lowQuality": record.pdq.isLowQuality,
        ]
        if let variants = record.dihedral {
            object["dihedral"] = Dictionary(uniqueKeysWithValues: Self.variants.map { ($0.rawValue, variants[$0].hex) })
            object["dihedralQuality"] = variants.quality
        }
        if let md5 = record.md5 { object["md5"] = md5 }
        if let sha256 = record.sha256 { object["sha256"] = sha256 }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// RFC 4180 quoting, only where the field needs it.
    static func csvQuoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(line + "\n")
    }
}
