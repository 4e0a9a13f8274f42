import XCTest
@testable import ClusterPDF

final class PowderPatternTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    func localMaxima(_ c: Curve, in range: ClosedRange<Double>) -> [Double] {
        var out = [Double]()
        for i in 1..<(c.x.count - 1) where range.contains(c.x[i]) && c.y[i] > c.y[i - 1] && c.y[i] >= c.y[i + 1] { out.append(c.x[i]) }
        return out
    }

    func pattern(_ s: Structure, from: Double, to: Double) throws -> Curve {
        var settings = ScatteringSettings()
        settings.displacements = DisplacementSettings(all: 0.005)
        let calc = try DebyeCalculator(structure: s, settings: settings)
        var p = PowderSettings()
        p.twoThetaMin = from; p.twoThetaMax = to; p.twoThetaStep = 0.01
        return try PowderPattern.compute(calculator: calc, powder: p)
    }

    /// A large zincblende CdSe sphere has maxima at the Bragg angles (Cu Kα1).
    func testZincblendeBraggPeaks() throws {
        let s = try ClusterCarver.carve(CrystalBuilder.zincblende(cation: cd, anion: se), radius: 40)
        let c = try pattern(s, from: 20, to: 55)
        for (hkl, angle) in [("111", 25.35), ("220", 42.0), ("311", 49.7)] {
            let near = localMaxima(c, in: (angle - 1)...(angle + 1))
            XCTAssertEqual(near.count, 1, "(\(hkl)) maxima near \(angle): \(near)")
            if let m = near.first { XCTAssertEqual(m, angle, accuracy: 0.15, "(\(hkl))") }
        }
    }

    /// A wurtzite sphere shows the (100)/(002)/(101) triplet.
    func testWurtziteTriplet() throws {
        let s = try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 40)
        let c = try pattern(s, from: 21, to: 30)
        // Each Bragg angle has its own maximum (a sharp-edged sphere also shows weak size fringes
        // elsewhere, e.g. near 22.3°, which are real and not counted here).
        for expected in [23.88, 25.39, 27.09] {
            let near = localMaxima(c, in: (expected - 0.5)...(expected + 0.5))
            XCTAssertEqual(near.count, 1, "near \(expected): \(near)")
            if let m = near.first { XCTAssertEqual(m, expected, accuracy: 0.15) }
        }
    }

    func testPolarizationAndDoublet() throws {
        let s = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
        let calc = try DebyeCalculator(structure: s, settings: ScatteringSettings())
        var p = PowderSettings()
        p.twoThetaMin = 10; p.twoThetaMax = 120; p.twoThetaStep = 0.5
        let plain = try PowderPattern.compute(calculator: calc, powder: p)
        // Against the Debye intensity directly: I(2θ) = (1 + cos²2θ)/2 · I(Q).
        let i = calc.structureFactorAndIntensity(grid: UniformGrid(start: 0, step: 0.0005, count: 16001)).i.y
        for k in stride(from: 0, to: plain.x.count, by: 20) {
            let tth = plain.x[k]
            let q = 4 * Double.pi * sin(tth * Double.pi / 360) / p.wavelength
            let iq = i[Int((q / 0.0005).rounded())]
            XCTAssertEqual(plain.y[k], (1 + pow(cos(tth * .pi / 180), 2)) / 2 * iq, accuracy: 2e-3 * iq)
        }
        p.secondWavelength = Anode.Cu.kAlpha2
        let doublet = try PowderPattern.compute(calculator: calc, powder: p)
        for k in plain.x.indices { XCTAssertGreaterThan(doublet.y[k], plain.y[k]) }
        p.secondWavelength = nil
        p.fwhm = 1.0
        let broad = try PowderPattern.compute(calculator: calc, powder: p)
        let inner = 20..<(plain.x.count - 20)
        XCTAssertEqual(inner.map { broad.y[$0] }.reduce(0, +), inner.map { plain.y[$0] }.reduce(0, +), accuracy: 0.01 * inner.map { plain.y[$0] }.reduce(0, +), "broadening keeps area")
    }
}
