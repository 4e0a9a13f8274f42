import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock on a file (`flock`), held while a closure runs: processes that
/// share a directory (array tasks on a shared file system) take turns. The kernel (or the NFS
/// lock manager) releases it when the holder dies, so a killed task never blocks the others.
public enum FileLock {
    /// Runs `body` holding the lock on `path` (created if missing). When the lock file cannot be
    /// opened or locked (a read-only or lock-less file system), `body` runs unlocked: the callers
    /// write atomically, so a missed lock costs duplicated work, never a damaged file.
    public static func withLock<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        var r: Int32
        repeat { r = flock(fd, LOCK_EX) } while r != 0 && errno == EINTR
        defer { if r == 0 { _ = flock(fd, LOCK_UN) } }
        return try body()
    }
}
