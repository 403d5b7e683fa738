/// The eight ways to turn or mirror a picture. PDQ gets all eight hashes from one DCT, so a
/// rotated or mirrored re-upload can be matched against one stored hash.
public enum DihedralTransform: String, CaseIterable, Sendable, Codable {
    case original
    case rotate90
    case rotate180
    case rotate270
    case flipX
    case flipY
    case flipPlus1
    case flipMinus1
}
