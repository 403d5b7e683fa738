#if canImport(Glibc)
import Glibc
#endif

/// Arrays of hundreds of megabytes that the search reads at random: backed by 2 MiB pages
/// where the kernel allows it (Linux `MADV_HUGEPAGE`), so a random read is one cache miss
/// instead of a cache miss plus a page-table walk. Measured at 10M hashes: see the
/// `HashIndex` documentation.
enum LargeArray {
    static func make<T>(count: Int, repeating value: T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                adviseHugePages(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<T>.stride)
                buffer.initialize(repeating: value)
            }
            initialized = count
        }
    }

    /// The `i`-th element is `element(i)`, written once (no zeroing first).
    static func make<T>(count: Int, _ element: (Int) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                adviseHugePages(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<T>.stride)
                for index in 0..<count { (base + index).initialize(to: element(index)) }
            }
            initialized = count
        }
    }

    static func copy<T>(_ source: [T]) -> [T] {
        source.withUnsafeBufferPointer { source in
            [T](unsafeUninitializedCapacity: source.count) { buffer, initialized in
                if let base = buffer.baseAddress, let from = source.baseAddress {
                    adviseHugePages(UnsafeMutableRawPointer(base), bytes: source.count * MemoryLayout<T>.stride)
                    base.initialize(from: from, count: source.count)
                }
                initialized = source.count
            }
        }
    }

    /// Only whole 2 MiB pages inside the range are advised; below 4 MiB it is not worth it.
    private static func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard bytes >= 2 * huge else { return }
        let first = (Int(bitPattern: start) + huge - 1) & ~(huge - 1)
        let last = (Int(bitPattern: start) + bytes) & ~(huge - 1)
        if last > first {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_HUGEPAGE)
        }
        #endif
    }
}
