import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into a flag a long run polls, so that it stops between work items
/// and leaves complete, resumable output (Slurm's `scancel` and the end of a time limit send
/// SIGTERM first). A second signal of the same kind ends the process at once.
public final class StopSignal: @unchecked Sendable {
    private final class Flag: Sendable {
        let value = Mutex(false)
    }
    private let flag = Flag()
    // Kept alive for the life of the object; never changed after init.
    private let sources: [DispatchSourceSignal]

    /// Installs the handlers for `signals`.
    public init(signals: [Int32] = [SIGINT, SIGTERM]) {
        var made = [DispatchSourceSignal]()
        let flag = self.flag
        for sig in signals {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler {
                let again = flag.value.withLock { f -> Bool in defer { f = true }; return f }
                if again { signal(sig, SIG_DFL); raise(sig) }
                FileHandle.standardError.write(Data("clusterpdf: stopping after the curves in progress (signal \(sig)); send it again to stop at once\n".utf8))
            }
            src.resume()
            made.append(src)
        }
        sources = made
    }

    /// Whether a signal arrived.
    public var isSet: Bool { flag.value.withLock { $0 } }
}
