import CordonStore
import Foundation
import HashIndex
import Synchronization
import VideoFeatures

/// The platform's past uploads by hash, in memory, so a hash the hub shares later is
/// searched against all of them at once: PDQ by Hamming distance, digests exactly, videos
/// by their frames (vPDQ, as the hub matches them).
final class UploadIndex: Sendable {
    private let pdq = HashIndex()
    private let digests = Mutex<[String: [Int]]>([:])
    private let videos = VPDQIndex()

    func insert(id: Int, pdq hex: String?, md5: String?, sha256: String?, frames: [VPDQFeature]? = nil) {
        if let frames, !frames.isEmpty { videos.add(frames, of: String(id)) }
        if let hex, let hash = Hash256(hex: hex) {
            pdq.insert(hash, id: UInt64(id))
            // Searches scan what is not yet in the tables: fold it in now and then.
            if pdq.pendingChanges > 20_000 { pdq.compact() }
        }
        digests.withLock { table in
            for digest in [md5, sha256].compactMap({ $0 }) { table[digest, default: []].append(id) }
        }
    }

    /// Forgets an upload (past its retention).
    func remove(_ upload: HubStore.PlatformUpload) {
        videos.remove(String(upload.id))
        if upload.pdq != nil { pdq.remove(id: UInt64(upload.id)) }
        digests.withLock { table in
            for digest in [upload.md5, upload.sha256].compactMap({ $0 }) {
                table[digest]?.removeAll { $0 == upload.id }
                if table[digest]?.isEmpty == true { table[digest] = nil }
            }
        }
    }

    /// Uploads within `maxDistance` of a PDQ hash, with their distance.
    func uploads(near hex: String, maxDistance: Int) -> [(id: Int, distance: Int)] {
        guard let hash = Hash256(hex: hex) else { return [] }
        return pdq.search(hash, maxDistance: maxDistance).map { (Int($0.id), $0.distance) }
    }

    /// Uploads with exactly this MD5 or SHA-256.
    func uploads(withDigest digest: String) -> [Int] {
        digests.withLock { $0[digest] ?? [] }
    }

    /// Uploaded videos that a shared video's frames match (python-threatexchange's rule).
    func uploads(matchingVideo frames: [VPDQFeature]) -> [Int] {
        videos.matches(for: frames).keys.compactMap { Int($0) }.sorted()
    }
}
