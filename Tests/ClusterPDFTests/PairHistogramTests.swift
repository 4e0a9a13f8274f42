import XCTest
@testable import ClusterPDF

/// The pair histogram's code paths (threads, accumulator flushes, Float32 vs Float64 distances)
/// on a structure small enough to check against a direct O(N²) count.
final class PairHistogramTests: XCTestCase {
    func kinds() throws -> AtomKinds {
        let s = try StructureReader.read(path: fixture("golden/CdSe-wurtzite-sphere-R9.xyz")).structure
        return AtomKinds(structure: s, displacements: DisplacementSettings())
    }

    /// Bit-identical for 1, 2 and 8 workers and with frequent flushes of the packed accumulators.
    func testWorkersAndFlushesDoNotChangeTheHistogram() throws {
        let k = try kinds()
        var reference = PairHistogram.Tuning()
        reference.minimumPairsPerThread = 0
        let h1 = PairHistogram(kinds: k, binWidth: 1e-3, threads: 1, tuning: reference)
        for threads in [2, 8] {
            for flush in [PairHistogram.flushLimit, 20_000] {
                var t = reference
                t.flushLimit = flush
                let h = PairHistogram(kinds: k, binWidth: 1e-3, threads: threads, tuning: t)
                XCTAssertEqual(h.counts, h1.counts, "threads \(threads), flush \(flush)")
                XCTAssertEqual(h.distances, h1.distances, "threads \(threads), flush \(flush)")
            }
        }
    }

    /// Every pair is counted once, and each bin's mean distance equals the mean of its pairs
    /// (computed here directly in Float64) within the documented distance error ε.
    func testCountsAndMeansMatchDirectSums() throws {
        let k = try kinds()
        let w = 1e-3
        for float64 in [false, true] {
            var t = PairHistogram.Tuning()
            t.forceFloat64 = float64
            let h = PairHistogram(kinds: k, binWidth: w, threads: 2, tuning: t)
            let epsilon = PairHistogram.distanceError(maxDistance: h.maximumDistance, binWidth: w)
            for (p, (a, b)) in k.pairs.enumerated() {
                // Direct: the sum of distances of all pairs, and their number.
                var n = 0.0, sum = 0.0
                let pa = k.positions[a], pb = k.positions[b]
                for i in pa.indices { for j in (a == b ? i + 1 : 0)..<pb.count { n += 1; sum += simd_length(pb[j] - pa[i]) } }
                XCTAssertEqual(h.counts[p].reduce(0, +), n)
                let binned = zip(h.counts[p], h.distances[p]).map { $0 * $1 }.reduce(0, +)
                XCTAssertLessThanOrEqual(abs(binned - sum), n * epsilon, "pair \(p), Float64 \(float64)")
                // Bins are where they belong: every mean lies within its bin.
                for d in h.distances[p] {
                    let k = (d / w).rounded()
                    XCTAssertLessThanOrEqual(abs(d / w - k), 0.5 + 1e-9)
                }
            }
        }
    }
}

/// The cached sine matrix of refinements gives the G(r) of the tile-by-tile transform.
final class SineMatrixTests: XCTestCase {
    func testCachedMatrixMatchesOnTheFlyTransform() throws {
        let s = try StructureReader.read(path: fixture("golden/CdSe-wurtzite-sphere-R9.xyz")).structure
        var settings = ScatteringSettings()
        settings.rmin = 0.5; settings.rmax = 12; settings.rstep = 0.013
        let c = try DebyeCalculator(structure: s, settings: settings)
        let (qg, _) = c.integrationGrid
        XCTAssertGreaterThan(qg.count, 256, "more than one Q tile, so both paths tile differently")
        XCTAssertGreaterThan(c.rGrid.count, SineMatrix.rTile)
        let direct = DebyeCalculator.pairDistributionFunctions([c, c])
        let cached = DebyeCalculator.pairDistributionFunctions([c, c], matrix: SineMatrix(qGrid: qg, rGrid: c.rGrid))
        let gmax = direct[0].map(abs).max()!
        for m in 0..<2 {
            let err = zip(direct[m], cached[m]).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(err / gmax, 1e-12)
        }
        // And one F alone (the dgemv path).
        let single = DebyeCalculator.pairDistributionFunctions([c], matrix: SineMatrix(qGrid: qg, rGrid: c.rGrid))[0]
        XCTAssertLessThan(zip(direct[0], single).map { abs($0 - $1) }.max()! / gmax, 1e-12)
    }
}
