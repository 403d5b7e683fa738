import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Online processors, without Foundation.
func processorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

/// Runs `body(worker)` for each of `workers` workers on Dispatch's own threads, and
/// returns once all have finished.
///
/// Not a task group: when SwiftNIO's event loops are Swift Concurrency's global executor
/// (as `cordon` installs them), every task enqueued from an event-loop thread goes to that
/// same loop, so a task group's children ran one after the other and two threads searched
/// no faster than one.
func onDispatchThreads(_ workers: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: workers, execute: body)
            done.resume()
        }
    }
}
