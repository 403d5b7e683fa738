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
        let (stream, continuation) = AsyncStream.makeStream(
            of: Result<MediaHashRecord, MediaHashFailure>.self, bufferingPolicy: .unbounded)
        let hasher = self.hasher, jobs = self.jobs
        let task = Task {
            await withTaskGroup(of: (Int, Result<MediaHashRecord, MediaHashFailure>).self) { group in
                var next = 0, emitted = 0
                var ready: [Int: Result<MediaHashRecord, MediaHashFailure>] = [:]
                func start() {
                    let index = next, path = paths[index]
                    group.addTask {
                        (index, Result { () throws(MediaHashFailure) in try hasher.hash(fileAt: path) })
                    }
                    next += 1
                }
                while next < min(jobs, paths.count) { start() }
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
}
