/// Video containers recognised by their first bytes (not by file name), so `cordon hash`
/// sends them to the video decoder. A container may still hold no video (audio only);
/// the decoder says so.
public enum VideoContainer: String, Sendable, CaseIterable {
    /// MP4, MOV, 3GP, M4V (ISO base media: a `ftyp` box first).
    case isoMedia = "iso-media"
    /// Matroska and WebM (EBML).
    case matroska
    case avi
    case flv
    /// MPEG transport stream (0x47 sync bytes every 188 bytes).
    case mpegTS = "mpeg-ts"
    /// MPEG program stream.
    case mpegPS = "mpeg-ps"
    case ogg

    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(400))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts(Array("ftyp".utf8), at: 4) {
            self = .isoMedia
        } else if starts([0x1A, 0x45, 0xDF, 0xA3]) {
            self = .matroska
        } else if starts(Array("RIFF".utf8)) && starts(Array("AVI ".utf8), at: 8) {
            self = .avi
        } else if starts(Array("FLV".utf8)) && head.count > 3 && head[3] == 1 {
            self = .flv
        } else if head.count >= 377, head[0] == 0x47, head[188] == 0x47, head[376] == 0x47 {
            self = .mpegTS
        } else if starts([0x00, 0x00, 0x01, 0xBA]) {
            self = .mpegPS
        } else if starts(Array("OggS".utf8)) {
            self = .ogg
        } else {
            return nil
        }
    }
}
