import XCTest
@testable import ClusterPDF

final class AnomalousDispersionTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    /// f′ and f″ (= −Fii) of Cd, Se, In, P at Cu Kα1, Mo Kα1 and 30 keV, as printed to 6 decimals
    /// by xraylib 4.3.0's Python module (`xraylib.Fi(Z, E)`, `-xraylib.Fii(Z, E)`; EPDL97 data).
    /// ClusterPDF calls the C library of Debian's libxrl-dev; the two agree to the table's precision.
    static let table: [(String, Double, Double, Double)] = [
        ("Cd", 8.047824, 0.113447, 4.699922), ("Se", 8.047824, -0.781683, 1.169992),
        ("In", 8.047824, 0.067035, 5.094995), ("P", 8.047824, 0.296466, 0.440073),
        ("Cd", 17.479375, -0.795593, 1.218726), ("Se", 17.479375, -0.081119, 2.229643),
        ("In", 17.479375, -0.717515, 1.327916), ("P", 17.479375, 0.103059, 0.096201),
        ("Cd", 30.0, -1.144656, 2.968686), ("Se", 30.0, 0.290330, 0.867613),
        ("In", 30.0, -1.677270, 3.183462), ("P", 30.0, 0.035039, 0.031344),
    ]

    func testAgreesWithXraylibTable() throws {
        for (symbol, energy, f1, f2) in Self.table {
            let c = try AnomalousDispersion(energy: energy).correction(for: Element(symbol: symbol)!)
            XCTAssertEqual(c.fPrime, f1, accuracy: 2e-6, "\(symbol) f′ at \(energy) keV")
            XCTAssertEqual(c.fDoublePrime, f2, accuracy: 2e-6, "\(symbol) f″ at \(energy) keV")
        }
        let cu = try AnomalousDispersion(wavelength: Anode.Cu.kAlpha1)
        XCTAssertEqual(cu.energy, 8.047824, accuracy: 1e-6)
    }

    /// A CdSe dimer: I(Q) = |f_Cd|² + |f_Se|² + 2 Re(f_Cd f_Se*) sin(Qr)/(Qr) with complex f.
    func testDimerIntensityWithComplexFactors() throws {
        let r = 2.63
        let s = Structure(atoms: [Atom(element: cd, position: SIMD3(0, 0, 0)), Atom(element: se, position: SIMD3(0, 0, r))])
        var settings = ScatteringSettings()
        settings.displacements = DisplacementSettings(all: 0)
        settings.anomalous = try AnomalousDispersion(energy: 8.047824)
        let calc = try DebyeCalculator(structure: s, settings: settings)
        let q = 2.0
        let i = calc.structureFactorAndIntensity(grid: UniformGrid(start: q, step: 0.01, count: 1)).i.y[0]
        let fCd = try ScatteringFactor(element: cd, radiation: .xray), fSe = try ScatteringFactor(element: se, radiation: .xray)
        let aCd = try AnomalousDispersion(energy: 8.047824).correction(for: cd), aSe = try AnomalousDispersion(energy: 8.047824).correction(for: se)
        let reCd = fCd.value(q: q) + aCd.fPrime, reSe = fSe.value(q: q) + aSe.fPrime
        let expected = reCd * reCd + aCd.fDoublePrime * aCd.fDoublePrime + reSe * reSe + aSe.fDoublePrime * aSe.fDoublePrime
            + 2 * (reCd * reSe + aCd.fDoublePrime * aSe.fDoublePrime) * sin(q * r) / (q * r)
        XCTAssertEqual(i, expected, accuracy: 1e-9 * expected)
        // Turned off, the result is f₀ only, as before.
        settings.anomalous = nil
        let plain = try DebyeCalculator(structure: s, settings: settings).structureFactorAndIntensity(grid: UniformGrid(start: q, step: 0.01, count: 1)).i.y[0]
        let f0 = fCd.value(q: q) * fCd.value(q: q) + fSe.value(q: q) * fSe.value(q: q) + 2 * fCd.value(q: q) * fSe.value(q: q) * sin(q * r) / (q * r)
        XCTAssertEqual(plain, f0, accuracy: 1e-9 * f0)
        XCTAssertGreaterThan(abs(i - plain), 1e-3 * plain, "the corrections change I(Q)")
    }

    /// G(r) of a cluster with corrections stays a G(r): its first peak is where it was, and the
    /// S(Q) normalisation by |⟨f⟩|² keeps S(Q) → 1 at high Q.
    func testNormalisationWithDispersion() throws {
        let s = try TetrahedronBuilder.build(cation: cd, anion: se, size: 3)
        var settings = ScatteringSettings()
        settings.anomalous = try AnomalousDispersion(energy: 30)
        let calc = try DebyeCalculator(structure: s, settings: settings)
        let sq = calc.structureFactorAndIntensity(grid: UniformGrid(from: 20, through: 24, step: 0.5)).s.y
        for v in sq { XCTAssertEqual(v, 1, accuracy: 0.02) }
    }

    func testBadSettings() {
        XCTAssertThrowsError(try AnomalousDispersion(energy: 0.2))
        XCTAssertThrowsError(try AnomalousDispersion(wavelength: -1))
        var s = ScatteringSettings()
        s.radiation = .neutron
        s.anomalous = try? AnomalousDispersion(energy: 8)
        XCTAssertThrowsError(try s.validate())
    }
}
