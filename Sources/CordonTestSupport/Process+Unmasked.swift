import Foundation

extension Process {
    /// Starts the program from a thread that blocks no signals. A child inherits the
    /// signal mask of the thread that starts it, and the runtime's worker threads block
    /// SIGCHLD: cmake (libuv), building vpdq's wheel for pip, then waited forever for a
    /// child that had already exited, and every test waiting on a venv hung with it.
    public func runUnmasked() throws {
        nonisolated(unsafe) var failure: (any Error)?
        let thread = Thread { [self] in
            var nothing = sigset_t()
            sigemptyset(&nothing)
            pthread_sigmask(SIG_SETMASK, &nothing, nil)
            do { try run() } catch { failure = error }
        }
        thread.start()
        while !thread.isFinished { usleep(200) }
        if let failure { throw failure }
    }
}
