import Dispatch

/// Hashes many files on several cores and hands the results back in input order, so the
/// output of a parallel run is identical to a sequential one.
public struct ParallelHasher: Sendable {
    public var hasher: MediaHasher
    public var jobs: Int

    public init(hasher: MediaHasher, jobs: Int) {
        precondition(jobs >= 1, "at least one job")
        self.hasher = hasher
        self.jobs = jobs
    }

    /// One result per path, in the order of `paths`.
    public func hash(_ paths: [String]) -> AsyncStream<Result<MediaHashRecord, MediaHashFailure>> {
        let hasher = self.hasher
        return Self.ordered(paths, jobs: jobs) { path in Result { () throws(MediaHashFailure) in try hasher.hash(fileAt: path) } }
    }

    /// `work` on each path, `jobs` at a time on Dispatch's threads, the results handed back
    /// in the order of `paths` (so a parallel run's output is a sequential run's).
    public static func ordered<T: Sendable>(_ paths: [String], jobs: Int, _ work: @escaping @Sendable (String) -> T) -> AsyncStream<T> {
        let (stream, continuation) = AsyncStream.makeStream(of: T.self, bufferingPolicy: .unbounded)
        let task = Task {
            await withTaskGroup(of: (Int, T).self) { group in
                var next = 0, emitted = 0
                var ready: [Int: T] = [:]
                func start() {
                    let index = next, path = paths[index]
                    group.addTask { (index, await Self.onDispatchThread { work(path) }) }
                    next += 1
                }
                while next < min(max(1, jobs), paths.count) { start() }
                for await (index, result) in group {
                    ready[index] = result
                    while let result = ready.removeValue(forKey: emitted) {
                        continuation.yield(result)
                        emitted += 1
                    }
                    if next < paths.count, !Task.isCancelled { start() }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Runs blocking work on one of Dispatch's threads. Not on the task's own executor: with
    /// SwiftNIO's event loops as the global executor (as `cordon` installs them), every task
    /// started from an event-loop thread runs on that same thread, so `--jobs` hashed on one
    /// core whatever its value.
    static func onDispatchThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
