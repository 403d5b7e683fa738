import CordonDomain
import Foundation
import Synchronization

/// How many live streams each key holds open. Every open stream is woken and reads the
/// store on each change, so one key with a thousand streams would cost the hub a thousand
/// queries a change; a key gets ``limit`` and is told to close one for the next.
final class StreamQuota: Sendable {
    let limit: Int
    private let open = Mutex<[UUID: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// A place for one more stream of `caller`'s key, given back when the lease is freed.
    func lease(for caller: Caller) throws -> StreamLease {
        let key = caller.keyID
        let granted = open.withLock { counts in
            guard counts[key, default: 0] < limit else { return false }
            counts[key, default: 0] += 1
            return true
        }
        guard granted else {
            throw ServiceError(.busy, field: "stream",
                               message: "this key already has \(limit) live streams open; close one (or reuse it: one stream carries every event) before opening another")
        }
        return StreamLease { [self] in
            open.withLock { counts in
                counts[key, default: 1] -= 1
                if counts[key] == 0 { counts[key] = nil }
            }
        }
    }

    /// Streams open now, over every key.
    var total: Int { open.withLock { $0.values.reduce(0, +) } }
}

/// One stream's place in a ``StreamQuota``: given back when the stream (the last copy of
/// its ``LiveStream``) is gone, however the response ended.
public final class StreamLease: Sendable {
    private let release: @Sendable () -> Void

    init(release: @escaping @Sendable () -> Void) {
        self.release = release
    }

    deinit { release() }
}
