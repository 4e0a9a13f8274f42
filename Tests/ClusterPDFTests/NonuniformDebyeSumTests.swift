import XCTest
@testable import ClusterPDF

/// The non-uniform FFT of long histograms against the direct Debye kernel.
final class NonuniformDebyeSumTests: XCTestCase {
    /// Random bins (1–160 Å, counts up to 1,000) on an output grid, a G(r) integration grid with an
    /// odd number of points and a Qmin, and a coarse grid: against plain sums of sines the
    /// transform is within 2e-14 of Σ c/r (and closer than the direct kernel, whose recurrences
    /// lose up to 1e-12 over thousands of Q steps); the two agree within the kernel's error.
    func testMatchesDirectKernel() {
        var rng = SplitMix64(seed: 7)
        let n = 6_000
        let r = (0..<n).map { _ in 1 + 159 * rng.uniform() }.sorted()
        let c = (0..<n).map { _ in (1 + 999 * rng.uniform()).rounded() }
        let scale = zip(r, c).map { $1 / $0 }.reduce(0, +)
        for (grid, s2) in [(UniformGrid(start: 0, step: 0.01, count: 2_501), 0.01),
                           (UniformGrid(start: 0.7, step: 0.00311, count: 6_433), 0.0),
                           (UniformGrid(start: 1, step: 0.05, count: 481), 0.037)] {
            let s2s = [Double](repeating: s2, count: n)
            var direct = [Double](repeating: 0, count: grid.count)
            direct.withUnsafeMutableBufferPointer { out in
                DebyeKernel(grid: grid).accumulate(r: r, weight: c, sigma2: s2s, count: n, range: 0..<grid.count, into: out.baseAddress!)
            }
            let fast = NonuniformDebyeSum(grid: grid).sum(r: r, weight: c, sigma2: s2, threads: 2)
            XCTAssertEqual(fast.count, grid.count)
            let worst = zip(fast, direct).map { abs($0 - $1) }.max()!
            // Both against plain sums (every 97th Q point).
            var worstFast = 0.0, worstKernel = 0.0
            for k in stride(from: 0, to: grid.count, by: 97) {
                let q = grid[k]
                var plain = 0.0
                for b in 0..<n { plain += c[b] * sin(q * r[b]) / r[b] }
                plain *= exp(-0.5 * q * q * s2)
                worstFast = max(worstFast, abs(fast[k] - plain)); worstKernel = max(worstKernel, abs(direct[k] - plain))
            }
            let label = "grid from \(grid.start) by \(grid.step), σ² \(s2)"
            // Measured: 1e-15 for the transform, up to 1.3e-12 for the kernel's long recurrences.
            XCTAssertLessThan(worstFast / scale, 2e-14, label)
            XCTAssertLessThan(worstFast, max(worstKernel, 1e-15 * scale), label)
            XCTAssertLessThan(worst / scale, 3e-12, label)
            // Not trivially small: the sums themselves are far larger than the difference.
            XCTAssertGreaterThan(direct.map(abs).max()!, 1e6 * worst)
        }
    }

    /// Bit-identical for any thread count (chunks are spread separately and added in order).
    func testThreadCountDoesNotChangeTheResult() {
        var rng = SplitMix64(seed: 11)
        let r = (0..<3_000).map { _ in 2 + 60 * rng.uniform() }
        let c = (0..<3_000).map { _ in Double(1 + Int(rng.uniform() * 50)) }
        let sum = NonuniformDebyeSum(grid: UniformGrid(start: 0, step: 0.02, count: 1_201))
        let one = sum.sum(r: r, weight: c, sigma2: 0.006, threads: 1)
        XCTAssertEqual(sum.sum(r: r, weight: c, sigma2: 0.006, threads: 2), one)
        XCTAssertEqual(sum.sum(r: r, weight: c, sigma2: 0.006, threads: 5), one)
    }

    /// The calculator takes this path for a long histogram with one peak width and gives the
    /// kernel's F(Q) (a 2,000-atom particle off the lattice, histogram mode, no δ).
    func testCalculatorUsesItAndAgrees() throws {
        var s = try ClusterCarver.carve(try CrystalBuilder.zincblende(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!), radius: 17)
        s = try StructureTransforms.jitter(s, sigma: 0.03, seed: 3)
        var settings = ScatteringSettings()
        settings.mode = .histogram; settings.qmax = 25; settings.qstep = 0.01
        settings.displacements = DisplacementSettings(all: 0.005)
        let calc = try DebyeCalculator(structure: s, settings: settings)
        let bins = calc.histogram!.distances.map(\.count).max()!
        XCTAssertTrue(NonuniformDebyeSum.pays(bins: bins, points: calc.outputQGrid.count), "\(bins) bins")
        let fast = calc.reducedStructureFunction().columns[0]
        // The same sums by the direct kernel.
        let grid = calc.outputQGrid
        let kernel = DebyeKernel(grid: grid)
        var sums = [[Double]]()
        for (p, (a, b)) in calc.kinds.pairs.enumerated() {
            let r = calc.histogram!.distances[p], c = calc.histogram!.counts[p]
            let u = calc.kinds.kinds[a].uiso + calc.kinds.kinds[b].uiso
            var out = [Double](repeating: 0, count: grid.count)
            out.withUnsafeMutableBufferPointer { o in
                kernel.accumulate(r: r, weight: c, sigma2: r.map { calc.sigma2(u, $0) }, count: r.count, range: 0..<grid.count, into: o.baseAddress!)
            }
            sums.append(out)
        }
        let direct = calc.reducedStructureFunction(grid: grid, sums: sums)
        let worst = zip(fast, direct).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst, 1e-9 * direct.map(abs).max()!)
    }
}
