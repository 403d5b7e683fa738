import CordonTestSupport
import Foundation
import MediaDecoding
import MediaHashing
import Testing

@testable import PDQ

/// Bit-exactness against Meta's reference, on every row of `expected/core.csv` and
/// `expected/core-synthetic.csv`: hash, quality, the eight dihedral hashes and their quality.
@Suite(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
struct PDQVectorTests {
    static let variants: [(column: String, transform: DihedralTransform)] = [
        ("orig", .original), ("rot90", .rotate90), ("rot180", .rotate180), ("rot270", .rotate270),
        ("flipx", .flipX), ("flipy", .flipY), ("flipp", .flipPlus1), ("flipm", .flipMinus1),
    ]

    static func rows() throws -> [[String: String]] {
        guard let root = SharedVectors.pdq else { return [] }
        return try SharedVectors.csvRows(root.appendingPathComponent("expected/core.csv"))
            + SharedVectors.csvRows(root.appendingPathComponent("expected/core-synthetic.csv"))
    }

    @Test func everyVectorRowIsBitExact() throws {
        let root = try #require(SharedVectors.pdq)
        let rows = try Self.rows()
        #expect(rows.count == 59)
        let hasher = MediaHasher(options: HashOptions(dihedral: true))
        var checked = 0
        for row in rows {
            let image = try #require(row["image"]), decoded = row["decoded"] ?? ""
            // The decoded PNG holds the exact pixels hashed; the original must agree too.
            for file in Set([image, decoded].filter { !$0.isEmpty }) {
                let record = try hasher.hash(fileAt: root.appendingPathComponent(file).path)
                #expect(record.pdq.hash.hex == row["pdq"], "\(file): pdq")
                #expect(String(record.pdq.quality) == row["quality"], "\(file): quality")
                #expect(String(record.width) == row["width"] && String(record.height) == row["height"], "\(file): size")
                let dihedral = try #require(record.dihedral)
                for (column, transform) in Self.variants {
                    #expect(dihedral[transform].hex == row[column], "\(file): \(column)")
                }
                #expect(String(dihedral.quality) == row["dihedral_quality"], "\(file): dihedral quality")
                checked += 1
            }
        }
        #expect(checked >= 90)
    }

    /// The intermediate buffers (64 x 64 downsample and 16 x 16 DCT) match the reference's
    /// `%.9g` dumps exactly: `%.9g` round-trips every `Float`.
    @Test(arguments: ["dih__bridge-1-original", "labelme-subset__q0003", "misc__wee", "synthetic__flat-100x80-gray"])
    func intermediateBuffersMatchTheReference(_ name: String) throws {
        let root = try #require(SharedVectors.pdq)
        let text = try String(contentsOf: root.appendingPathComponent("expected/debug/\(name).txt"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let file = try #require(lines.first?.split(separator: " ").first { $0.hasPrefix("file=") }?.dropFirst(5))
        let numbers = lines.filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").compactMap { Float(String($0)) } }
        let expected64 = numbers.prefix(64).flatMap { $0 }, expected16 = numbers.dropFirst(64).prefix(16).flatMap { $0 }
        #expect(expected64.count == 4096 && expected16.count == 256)

        let rows = try Self.rows()
        let row = try #require(rows.first { $0["image"] == String(file) })
        let pixelsFile = (row["decoded"] ?? "").isEmpty ? String(file) : row["decoded"]!
        let image = try ImageDecoder().decode([UInt8](Data(contentsOf: root.appendingPathComponent(pixelsFile))))
        let luma = LumaImage(pixels: image.pixels, width: image.width, height: image.height, channels: image.channels)
        let downsampled = JaroszFilter.blurAndDecimate(luma)
        let dct = DCT16.transform(downsampled)
        #expect(downsampled.map(\.bitPattern) == expected64.map(\.bitPattern), "64x64 buffer of \(file)")
        #expect(dct.map(\.bitPattern) == expected16.map(\.bitPattern), "16x16 DCT of \(file)")
    }

    /// Applying EXIF orientation turns the pixels as a viewer does: the hash of the turned
    /// photo is the matching dihedral variant of the stored one (3: half turn; 6 and 8:
    /// quarter turns in opposite directions), and orientation 1 changes nothing.
    @Test func applyingExifOrientationTurnsThePixels() throws {
        let root = try #require(SharedVectors.pdq)
        func hashes(_ n: String) throws -> (stored: PDQDihedralResult, turned: PDQHash) {
            let path = root.appendingPathComponent("images/exif-rotn/exif-rotn-\(n).jpg").path
            let stored = try #require(try MediaHasher(options: HashOptions(dihedral: true)).hash(fileAt: path).dihedral)
            let turned = try MediaHasher(options: HashOptions(applyExifOrientation: true)).hash(fileAt: path).pdq.hash
            return (stored, turned)
        }
        let one = try hashes("1"), three = try hashes("3"), six = try hashes("6"), eight = try hashes("8")
        #expect(one.turned == one.stored[.original])
        #expect(three.turned.distance(to: three.stored[.rotate180]) <= 31)
        #expect(three.turned.distance(to: three.stored[.original]) > 31)
        #expect(six.turned.distance(to: six.stored[.rotate270]) <= 31 || six.turned.distance(to: six.stored[.rotate90]) <= 31)
        let sixIsRotate90 = six.turned.distance(to: six.stored[.rotate90]) <= 31
        let eightExpected = eight.stored[sixIsRotate90 ? .rotate270 : .rotate90]
        #expect(eight.turned.distance(to: eightExpected) <= 31, "orientations 6 and 8 turn opposite ways")
    }
}
