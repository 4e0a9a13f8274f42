import XCTest
@testable import ClusterPDF

/// Close atom pairs by sorting against a direct O(N²) search.
final class ClosePairsTests: XCTestCase {
    /// 3,000 random points (some on cell faces, at the origin and 1e-6 Å apart) with 60 planted
    /// partners closer than 0.01 Å in random directions: the same pairs and distances as a
    /// direct search, none missed across cell faces.
    func testSameAsDirectSearch() {
        var rng = SplitMix64(seed: 17)
        var p = (0..<3_000).map { _ in SIMD3(40 * rng.uniform() - 20, 40 * rng.uniform() - 20, 40 * rng.uniform() - 20) }
        p += [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.5), SIMD3(0.5, 0.5, 0.5 + 1e-6)]
        for _ in 0..<60 {
            let base = p[Int(rng.uniform() * 3_000)]
            let dir = SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
            p.append(base + dir / simd_length(dir) * 0.0099 * rng.uniform())
        }
        p.append(SIMD3(0.005, 0, 0))
        let fast = ClosePairs.within(p, distance: 0.01)
        var direct = [(Int, Int, Double)]()
        for i in p.indices { for j in (i + 1)..<p.count { let d = simd_length(p[j] - p[i]); if d < 0.01 { direct.append((i, j, d)) } } }
        XCTAssertGreaterThanOrEqual(direct.count, 62)
        XCTAssertEqual(fast.map { [$0.i, $0.j] }, direct.map { [$0.0, $0.1] })
        XCTAssertEqual(fast.map(\.distance), direct.map(\.2))
        XCTAssertTrue(ClosePairs.within([SIMD3(1, 2, 3)], distance: 0.01).isEmpty)
    }
}
