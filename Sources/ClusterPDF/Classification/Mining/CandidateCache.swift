import Foundation
import Synchronization

/// Candidate histograms on disk, one file per candidate space and material
/// (`DIR/<CandidateSpace.key>.cpdfhist`), so that a classification with a warm cache only reads them.
///
/// The default directory is `$XDG_CACHE_HOME/clusterpdf` or `~/.cache/clusterpdf` (never the working
/// directory). Files are written atomically (a uniquely named temporary file, then a rename), so a
/// reader never sees a partial file; a file that does not read back exactly (truncated, another
/// version, a wrong checksum) is ignored and rebuilt. Several processes sharing the directory
/// (array tasks on a shared file system) build each file once: the builder holds a lock
/// (`KEY.lock`, `flock`) and the others wait, then read its file. Format: "CPDFHIST", format
/// version, entry count, then per entry the recipe index, duplicate count, cubic fraction of the
/// cut, atom counts, largest distance and the half-precision counts of each element pair; last,
/// an FNV-1a (64 bit) checksum of everything before it.
public struct CandidateCache: Sendable {
    /// The directory.
    public var directory: String

    /// A cache in `directory`.
    public init(directory: String) { self.directory = directory }

    /// The default cache directory.
    public static var defaultDirectory: String {
        if let x = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"], !x.isEmpty { return (x as NSString).appendingPathComponent("clusterpdf") }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".cache/clusterpdf")
    }

    static let magic = Array("CPDFHIST".utf8)
    static let formatVersion: UInt32 = 3

    /// Path of the file of `key`.
    public func path(key: String) -> String { (directory as NSString).appendingPathComponent(key + ".cpdfhist") }

    /// The candidate set of `space` for the pair: read from the cache, else generated and stored
    /// (a cache that cannot be written is only a missed speed-up: `stored` tells).
    public func candidates(space: CandidateSpace, cation: Element, anion: Element, threads: Int) -> (set: CandidateSet, fromCache: Bool, stored: Bool) {
        let key = space.key(cation: cation, anion: anion)
        if let set = read(space: space, cation: cation, anion: anion, key: key) { return (set, true, false) }
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else {
            return (CandidateSet.generate(space: space, cation: cation, anion: anion, threads: threads), false, false)
        }
        return FileLock.withLock(path(key: key) + ".lock") {
            // Another process may have built it while this one waited for the lock.
            if let set = read(space: space, cation: cation, anion: anion, key: key) { return (set, true, false) }
            let set = CandidateSet.generate(space: space, cation: cation, anion: anion, threads: threads)
            let stored = (try? AtomicFile.write(data: encode(set), to: path(key: key))) != nil
            return (set, false, stored)
        }
    }

    func encode(_ set: CandidateSet) -> Data {
        // Bytes gathered in an array (appending to Data value by value took 1.5 s for 57 MB).
        var d = [UInt8](CandidateCache.magic)
        d.reserveCapacity(set.entries.reduce(64) { $0 + 64 + 2 * $1.histogram.counts.reduce(0) { $0 + $1.count } })
        func u32(_ v: Int) { let x = UInt32(v).littleEndian; withUnsafeBytes(of: x) { d.append(contentsOf: $0) } }
        func f64(_ v: Double) { let x = v.bitPattern.littleEndian; withUnsafeBytes(of: x) { d.append(contentsOf: $0) } }
        u32(Int(CandidateCache.formatVersion)); u32(set.recipes); u32(set.entries.count)
        let specs = set.space.specs(cation: set.cation, anion: set.anion)
        let index = Dictionary(specs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for e in set.entries {
            u32(index[e.spec] ?? 0); u32(e.duplicates); f64(e.cubicFraction)
            u32(e.histogram.elements.count)
            for el in e.histogram.elements { u32(el.atomicNumber) }
            for n in e.histogram.atomCounts { u32(n) }
            f64(e.histogram.maximumDistance)
            u32(e.histogram.counts.first?.count ?? 0)
            for p in e.histogram.counts {
                for v in p { let x = Float16(v).bitPattern; d.append(UInt8(truncatingIfNeeded: x)); d.append(UInt8(truncatingIfNeeded: x >> 8)) }
            }
        }
        let sum = d.withUnsafeBytes { CandidateCache.checksum($0) }.littleEndian
        withUnsafeBytes(of: sum) { d.append(contentsOf: $0) }
        return Data(d)
    }

    /// FNV-1a (64 bit) of `data`.
    static func checksum(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { checksum($0) }
    }

    /// FNV-1a (64 bit) of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    func read(space: CandidateSpace, cation: Element, anion: Element, key: String) -> CandidateSet? {
        guard let file = FileManager.default.contents(atPath: path(key: key)), file.count > 28, Array(file.prefix(8)) == CandidateCache.magic else { return nil }
        let d = file.prefix(file.count - 8)
        let stored = file.suffix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard stored == CandidateCache.checksum(d) else { return nil }
        var at = 8
        func u32() -> Int? {
            guard at + 4 <= d.count else { return nil }
            let v = d[(d.startIndex + at)..<(d.startIndex + at + 4)].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
            at += 4; return Int(v)
        }
        func f64() -> Double? {
            guard at + 8 <= d.count else { return nil }
            let v = d[(d.startIndex + at)..<(d.startIndex + at + 8)].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            at += 8; return Double(bitPattern: v)
        }
        guard u32() == Int(CandidateCache.formatVersion), let recipes = u32(), let n = u32() else { return nil }
        let specs = space.specs(cation: cation, anion: anion)
        guard recipes == specs.count, n <= specs.count else { return nil }
        var entries = [CandidateSet.Entry]()
        entries.reserveCapacity(n)
        for _ in 0..<n {
            guard let si = u32(), si < specs.count, let dup = u32(), let fraction = f64(), (0...1).contains(fraction),
                  let ne = u32(), (1...8).contains(ne) else { return nil }
            var els = [Element]()
            for _ in 0..<ne { guard let z = u32(), let e = Element(atomicNumber: z) else { return nil }; els.append(e) }
            var counts = [Int]()
            for _ in 0..<ne { guard let c = u32() else { return nil }; counts.append(c) }
            guard let dmax = f64(), dmax.isFinite, let bins = u32() else { return nil }
            let np = ne * (ne + 1) / 2
            guard at + np * bins * 2 <= d.count else { return nil }
            var pairs = [[Float]]()
            for _ in 0..<np {
                let arr: [Float] = d[(d.startIndex + at)..<(d.startIndex + at + bins * 2)].withUnsafeBytes { raw in
                    (0..<bins).map { Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))) }
                }
                at += bins * 2
                pairs.append(arr)
            }
            entries.append(CandidateSet.Entry(spec: specs[si], histogram: CandidateHistogram(elements: els, atomCounts: counts, counts: pairs, maximumDistance: dmax), duplicates: dup, cubicFraction: fraction))
        }
        guard at == d.count else { return nil }
        return CandidateSet(space: space, cation: cation, anion: anion, entries: entries, recipes: recipes)
    }
}

/// Candidate sets kept in memory for the life of a run (a batch classifies thousands of curves
/// with the same candidates), backed by an optional disk cache. Generating a set happens once,
/// even when several workers ask for it at the same time.
public final class CandidateStore: Sendable {
    /// The disk cache (nil: in memory only).
    public let cache: CandidateCache?
    private let sets = Mutex<[String: CandidateSet]>([:])
    private let generating = Mutex<Void>(())

    /// A store backed by `cache`.
    public init(cache: CandidateCache?) { self.cache = cache }

    /// The candidate set of `space` for the pair (memory, then disk, then generated).
    public func candidates(space: CandidateSpace, cation: Element, anion: Element, threads: Int) -> CandidateSet {
        let key = space.key(cation: cation, anion: anion)
        if let s = sets.withLock({ $0[key] }) { return s }
        return generating.withLock { _ in
            if let s = sets.withLock({ $0[key] }) { return s }
            let s = cache?.candidates(space: space, cation: cation, anion: anion, threads: threads).set
                ?? CandidateSet.generate(space: space, cation: cation, anion: anion, threads: threads)
            sets.withLock { $0[key] = s }
            return s
        }
    }
}
