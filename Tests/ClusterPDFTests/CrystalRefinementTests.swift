import Foundation
import XCTest
@testable import ClusterPDF

/// Attenuated-crystal refinement: diffpy-cmi's nanoparticle example on the measured CdSe series,
/// symmetry constraints, start independence, several phases, bad input.
final class CrystalRefinementTests: XCTestCase {
    func crystal(_ name: String) throws -> Crystal {
        try StructureReader.read(path: fixture(name)).periodicCrystal()
    }

    /// diffpy-cmi's fitCdSeNP.py settings (../shared/reference/diffpy-cmi-CdSe-nanoparticles.md).
    var cmiOptions: CrystalRefinementOptions {
        var o = CrystalRefinementOptions()
        o.overrides = SettingOverrides(rmin: 0.5, rmax: 40, qmin: 1, qmax: 19, qdamp: 0.058, qbroad: 0)
        return o
    }

    func testMeetsDiffpyCMIOnTheMeasuredCdSeSeries() throws {
        // Rw and psize of diffpy-cmi (diffpy.srfit 3.2.0 / srreal 1.4.0), from the reference table.
        let reference: [(String, String, rw: Double, psize: Double)] = [
            ("CdSe-1", "Zincblende", 0.6173, 14.99), ("CdSe-1", "Wurtzite", 0.6067, 22.17),
            ("CdSe-2", "Zincblende", 0.4121, 15.34), ("CdSe-2", "Wurtzite", 0.3612, 24.42),
            ("CdSe-3", "Zincblende", 0.4092, 17.32), ("CdSe-3", "Wurtzite", 0.3527, 29.10),
            ("CdSe-4", "Zincblende", 0.3660, 17.51), ("CdSe-4", "Wurtzite", 0.2816, 32.77),
            ("CdSe-bulk", "Zincblende", 0.6353, 16.51), ("CdSe-bulk", "Wurtzite", 0.1536, 698.41),
        ]
        for (curve, phase, rw, psize) in reference {
            let data = try MeasuredCurveReader.read(path: fixture("measured/\(curve).gr"))
            let result = try CrystalRefinement(crystals: [crystal("CdSe-\(phase).cif")], data: data, options: cmiOptions).run(keepCurves: false)
            let p = try XCTUnwrap(result.parameter(.envelope(.psize)))
            print(String(format: "%@ %@: Rw %.4f (diffpy-cmi %.4f), psize %.2f ± %.2f (%.2f)", curve, phase, result.rw, rw, p.value, p.uncertainty ?? .nan, psize))
            XCTAssertLessThanOrEqual(result.rw, rw + 0.005, "\(curve) \(phase)")
            XCTAssertLessThanOrEqual(abs(p.value - psize), try XCTUnwrap(p.uncertainty), "\(curve) \(phase) psize")
            if curve == "CdSe-1" {
                // diffpy-cmi's Uiso > 0.1 Å² here; ClusterPDF keeps Uiso physical and says so.
                XCTAssertTrue(result.warnings.contains { $0.kind == .atBound && $0.parameter?.unphased.shared == .uiso }, "\(result.warnings)")
            }
        }
    }

    func testSymmetryLeavesTheRightFreedomAndIsKept() throws {
        let wz = try crystal("CdSe-Wurtzite.cif"), zb = try crystal("CdSe-Zincblende.cif")
        let cw = SymmetryConstraints(crystal: wz), cz = SymmetryConstraints(crystal: zb)
        XCTAssertEqual(cw.latticeParameters, [.a, .c])
        XCTAssertEqual(cz.latticeParameters, [.a])
        XCTAssertEqual(cw.positions.map(\.pivots), [[2], [2]])      // (1/3, 2/3, z) sites: z only
        XCTAssertEqual(cz.positions.map(\.dimension), [0, 0])         // special positions of F-43m
        XCTAssertEqual(cw.fixedOrigin.map(\.axis), [2])               // P6_3mc is polar along z
        XCTAssertEqual(cw.adps[0].dimension, 2)                       // U11 = U22 = 2 U12, U33
        // Jadeite, C2/c: monoclinic cell (a, b, c, β); Na on the 2-fold axis (0, y, 1/4): y only,
        // and U12 = U23 = 0 there; Si in a general position: x, y, z and all six U.
        let jd = try XCTUnwrap(CIFReader.read(path: fixture("periodic/jadeite-COD-9010373.cif")).crystal)
        let cj = SymmetryConstraints(crystal: jd)
        XCTAssertEqual(cj.latticeParameters, [.a, .b, .c, .beta])
        XCTAssertEqual(cj.positions[0].pivots, [1])
        XCTAssertEqual(cj.adps[0].pivots, [0, 1, 2, 4])
        XCTAssertEqual(cj.positions[2].dimension, 3)
        XCTAssertEqual(cj.adps[2].dimension, 6)
        XCTAssertTrue(cj.fixedOrigin.isEmpty)                         // centrosymmetric: no floating origin
        // A refined wurtzite is still P6_3mc (spglib), with the refined cell.
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-3.gr"))
        let refinement = try CrystalRefinement(crystals: [wz], data: data, options: cmiOptions)
        let result = try refinement.run(keepCurves: false)
        let x = refinement.parameters.values(refinement.parameters.freeIndices.map { i in result.value(refinement.parameters.all[i].name)! })
        let point = try refinement.parameters.point(0, x)
        let refined = Crystal(title: "refined", lattice: point.lattice, operations: wz.operations,
                              sites: zip(wz.sites, point.fractional).map { var s = $0; s.fractional = $1; return s })
        XCTAssertEqual(SpaceGroup.identify(refined)?.number, 186)
        XCTAssertEqual(refined.lattice.gamma, 120, accuracy: 1e-9)
        XCTAssertEqual(refined.lattice.a, result.value(.lattice(.a))!, accuracy: 1e-12)
    }

    func testResultDoesNotDependOnStartingValues() throws {
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-4.gr"))
        var rws = [Double]()
        for (psize, uiso, delta2) in [(12.0, 0.002, 0.0), (200.0, 0.08, 15.0), (40.0, 0.01, 5.0)] {
            var o = cmiOptions
            o.start = [.envelope(.psize): psize, .uiso: uiso, .delta2: delta2]
            rws.append(try CrystalRefinement(crystals: [crystal("CdSe-Wurtzite.cif")], data: data, options: o).run(keepCurves: false).rw)
        }
        XCTAssertEqual(rws.max()! - rws.min()!, 0, accuracy: 1e-5, "\(rws)")
    }

    /// A zincblende CIF that names its space group but lists no operations (spglib supplies them).
    func zincblende(_ cation: String, _ anion: String, a: Double, u: Double) -> String {
        """
        data_\(cation)\(anion)
        _cell_length_a \(a)
        _cell_length_b \(a)
        _cell_length_c \(a)
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _symmetry_space_group_name_H-M 'F -4 3 m'
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_U_iso_or_equiv
        \(cation)1 \(cation) 0 0 0 \(u)
        \(anion)1 \(anion) 0.25 0.25 0.25 \(u)

        """
    }

    func testCoreShellTwoPhaseFitRecoversItsSyntheticParticle() throws {
        // CdS core (radius 14 Å) in a ZnS shell (8 Å): G = s1 γ_sphere(2R) G_CdS + s2 γ_shell(R, t) G_ZnS.
        let cds = try StructureReader.read(path: writeTemporary(zincblende("Cd", "S", a: 5.83, u: 0.012), name: "CdS.cif")).periodicCrystal()
        let zns = try StructureReader.read(path: writeTemporary(zincblende("Zn", "S", a: 5.41, u: 0.009), name: "ZnS.cif")).periodicCrystal()
        XCTAssertEqual(cds.operations.count, 96)
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 26; s.qdamp = 0.04; s.delta2 = 2; s.rmin = 0; s.rmax = 45; s.rstep = 0.01
        let (radius, thickness) = (14.0, 8.0)
        let core = try PeriodicPDFCalculator(crystal: cds, settings: s, envelope: .sphere(diameter: 2 * radius)).pdf()
        let shell = try PeriodicPDFCalculator(crystal: zns, settings: s, envelope: .shell(innerRadius: radius, thickness: thickness)).pdf()
        var rng = SplitMix64(seed: 7)
        let y = zip(core.y, shell.y).map { 0.3 * $0 + 0.5 * $1 + 0.01 * Double.random(in: -1...1, using: &rng) }
        let data = MeasuredCurve(path: "cds-zns.gr", x: core.x, y: y, dy: nil, header: ["qmin": "1", "qmax": "26", "qdamp": "0.04"], columnNames: [])
        var o = CrystalRefinementOptions()
        o.envelope = .coreShell
        o.overrides.rmin = 1.5
        o.start = [.envelope(.radius): 10, .envelope(.thickness): 4]
        let r = try CrystalRefinement(crystals: [cds, zns], data: data, options: o).run()
        XCTAssertLessThan(r.rw, 0.02)
        XCTAssertEqual(r.value(.envelope(.radius))!, radius, accuracy: 0.3)
        XCTAssertEqual(r.value(.envelope(.thickness))!, thickness, accuracy: 0.3)
        XCTAssertEqual(r.value(.phase(1, .lattice(.a)))!, 5.83, accuracy: 0.002)
        XCTAssertEqual(r.value(.phase(2, .lattice(.a)))!, 5.41, accuracy: 0.002)
        let phases = try XCTUnwrap(r.phases)
        XCTAssertEqual(phases[0].fraction, 0.3 / 0.8, accuracy: 0.02)
        XCTAssertEqual(phases.map(\.envelope), [.coreShell, .coreShell])
        // The CLI runs the same fit end to end and names every parameter by phase.
        let dir = temporaryDirectory()
        let cifs = [dir + "/CdS.cif", dir + "/ZnS.cif"]
        try zincblende("Cd", "S", a: 5.83, u: 0.012).write(toFile: cifs[0], atomically: true, encoding: .utf8)
        try zincblende("Zn", "S", a: 5.41, u: 0.009).write(toFile: cifs[1], atomically: true, encoding: .utf8)
        let gr = dir + "/cds-zns.gr"
        try CurveWriter.string(Curve(x: data.x, columns: [y], labels: ["r", "G"]), header: [("qmin", "1"), ("qmax", "26"), ("qdamp", "0.04")]).write(toFile: gr, atomically: true, encoding: .utf8)
        let cli = try runCLI(["fit", cifs[0], cifs[1], gr, "--envelope", "core-shell", "--rmin", "1.5", "--json", "-o", dir + "/cs.fgr"])
        XCTAssertEqual(cli.status, 0, cli.err)
        let fitFile = try String(contentsOfFile: dir + "/cs.fgr", encoding: .utf8)
        XCTAssertTrue(fitFile.contains("phase1 = CdS") && fitFile.contains("phase2 = ZnS") && fitFile.contains("envelope core-shell"), fitFile)
        let json = try JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as! [String: Any]
        let names = (json["parameters"] as! [[String: Any]]).map { $0["name"] as! String }
        for n in ["radius", "thickness", "phase1.scale", "phase2.scale", "phase1.a", "phase2.a", "phase1.uiso:Cd", "phase2.uiso:Zn", "phase1.delta2"] {
            XCTAssertTrue(names.contains(n), "\(n) missing from \(names)")
        }
        XCTAssertEqual(json["rw"] as! Double, r.rw, accuracy: 1e-3)
    }

    func testBadCrystalInputIsRefusedWithTheFileAndItem() throws {
        let data = fixture("measured/CdSe-4.gr")
        let dir = temporaryDirectory()
        // No symmetry at all.
        let bare = zincblende("Cd", "Se", a: 6.08, u: 0.01).replacingOccurrences(of: "_symmetry_space_group_name_H-M 'F -4 3 m'\n", with: "")
        let noSym = writeTemporary(bare, name: "nosym.cif")
        var r = try runCLI(["fit", noSym, data, "-o", dir + "/a.gr"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("nosym.cif") && r.err.contains("no space group or symmetry operations"), r.err)
        // A hexagonal group on a cubic cell.
        let wrongCell = try String(contentsOfFile: fixture("CdSe-Wurtzite.cif"), encoding: .utf8).replacingOccurrences(of: "120.000000", with: "90.000000")
        r = try runCLI(["fit", writeTemporary(wrongCell, name: "wrongcell.cif"), data, "-o", dir + "/a.gr"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("wrongcell.cif") && r.err.contains("do not fit the cell"), r.err)
        // A space group spglib does not know, and a non-positive envelope size.
        let unknownGroup = zincblende("Cd", "Se", a: 6.08, u: 0.01).replacingOccurrences(of: "F -4 3 m", with: "Q 9 z")
        r = try runCLI(["fit", writeTemporary(unknownGroup, name: "unknown.cif"), data, "-o", dir + "/a.gr"])
        XCTAssertTrue(r.status == 1 && r.err.contains("'Q 9 z'"), r.err)
        // Only a space-group number, out of range; only a Hall symbol spglib does not know.
        let badNumber = zincblende("Cd", "Se", a: 6.08, u: 0.01).replacingOccurrences(of: "_symmetry_space_group_name_H-M 'F -4 3 m'", with: "_space_group_IT_number 999")
        r = try runCLI(["fit", writeTemporary(badNumber, name: "number.cif"), data, "-o", dir + "/a.gr"])
        XCTAssertTrue(r.status == 1 && r.err.contains("number.cif") && r.err.contains("_space_group_it_number"), r.err)
        let badHall = zincblende("Cd", "Se", a: 6.08, u: 0.01).replacingOccurrences(of: "_symmetry_space_group_name_H-M 'F -4 3 m'", with: "_symmetry_space_group_name_Hall '-Q 9'")
        r = try runCLI(["fit", writeTemporary(badHall, name: "hall.cif"), data, "-o", dir + "/a.gr"])
        XCTAssertTrue(r.status == 1 && r.err.contains("hall.cif") && r.err.contains("Hall symbol"), r.err)
        // Core-shell needs two models; a file envelope needs its table; simulate has no core-shell.
        r = try runCLI(["fit", fixture("CdSe-Wurtzite.cif"), data, "--envelope", "core-shell", "-o", dir + "/a.gr"])
        XCTAssertTrue(r.status == 1 && r.err.contains("core-shell needs two models"), r.err)
        r = try runCLI(["fit", fixture("CdSe-Wurtzite.cif"), data, "--envelope", "file", "-o", dir + "/a.gr"])
        XCTAssertTrue(r.status == 64 && r.err.contains("--envelope-file"), r.err)
        r = try runCLI(["simulate", fixture("CdSe-Wurtzite.cif"), "--envelope", "core-shell", "-o", dir + "/a.gr"])
        XCTAssertTrue(r.status == 64 && r.err.contains("two phases"), r.err)
        r = try runCLI(["fit", fixture("CdSe-Wurtzite.cif"), data, "--start", "psize=0", "-o", dir + "/a.gr"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("psize"), r.err)
        r = try runCLI(["fit", fixture("CdSe-Wurtzite.cif"), fixture("CdSe-Zincblende.cif"), data, "--envelope", "core-shell", "--free", "bogus:x1"])
        XCTAssertNotEqual(r.status, 0)
        // Several models must all be crystals.
        r = try runCLI(["fit", fixture("CdSe-Wurtzite.cif"), repoRoot + "/Structures/Cd35Se20.xyz", data])
        XCTAssertTrue(r.status == 1 && r.err.contains("Cd35Se20.xyz"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a.gr"))
    }

    func testAnisotropicDisplacementsAreRefinedUnderSiteSymmetry() throws {
        // Bulk CdSe, wurtzite: Se vibrates more along c than in the plane; the U the 3m site allows
        // (U11 = U22 = 2 U12, U33) are refined and lower Rw below the isotropic fit.
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        var o = cmiOptions
        let iso = try CrystalRefinement(crystals: [crystal("CdSe-Wurtzite.cif")], data: data, options: o).run(keepCurves: false)
        o.anisotropic = true
        let aniso = try CrystalRefinement(crystals: [crystal("CdSe-Wurtzite.cif")], data: data, options: o).run(keepCurves: false)
        let names = aniso.parameters.filter(\.free).map(\.name.description)
        XCTAssertEqual(Set(names.filter { $0.hasPrefix("u") }), ["u11:Cd1", "u33:Cd1", "u11:Se1", "u33:Se1"])
        XCTAssertLessThan(aniso.rw, iso.rw - 0.005)
        let u11 = try XCTUnwrap(aniso.value(.anisotropicU(site: "Se1", component: 0))), u33 = try XCTUnwrap(aniso.value(.anisotropicU(site: "Se1", component: 2)))
        XCTAssertGreaterThan(u33, 1.5 * u11)
        XCTAssertFalse(aniso.warnings.contains { $0.kind == .nearSingular }, "\(aniso.warnings)")
    }

    func testEveryEnvelopeRecoversItsSyntheticParticle() throws {
        // Wurtzite CdSe nanoparticles simulated with each envelope, refined with the same one.
        let wz = try crystal("CdSe-Wurtzite.cif")
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 20; s.qdamp = 0.04; s.delta2 = 3; s.rmin = 0; s.rmax = 40; s.rstep = 0.01
        s.displacements = DisplacementSettings(all: 0.012)
        let dir = temporaryDirectory()
        let table = (0...500).map { Double($0) * 0.1 }
        let tablePath = dir + "/gamma.dat"
        try table.map { "\($0) \(Envelope.sphere(diameter: 26).value(at: $0))" }.joined(separator: "\n").write(toFile: tablePath, atomically: true, encoding: .utf8)
        let cases: [(EnvelopeKind, Envelope, [EnvelopeParameter: Double])] = [
            (.spheroid, .spheroid(equatorialRadius: 12, polarRadius: 20), [.erad: 12, .prad: 20]),
            (.lognormal, .lognormalSphere(diameter: 30, sigma: 6), [.psize: 30, .psig: 6]),
            (.file, .sphere(diameter: 26), [:]),
        ]
        for (kind, envelope, truth) in cases {
            let g = try PeriodicPDFCalculator(crystal: wz, settings: s, envelope: envelope).pdf()
            let data = MeasuredCurve(path: "\(kind).gr", x: g.x, y: g.y.map { 0.5 * $0 }, dy: nil, header: ["qmin": "1", "qmax": "20", "qdamp": "0.04"], columnNames: [])
            var o = CrystalRefinementOptions()
            o.envelope = kind
            if kind == .file { o.envelopeTable = try TabulatedEnvelope.read(path: tablePath) }
            let r = try CrystalRefinement(crystals: [wz], data: data, options: o).run(keepCurves: false)
            XCTAssertLessThan(r.rw, 0.01, "\(kind)")
            XCTAssertEqual(r.value(.scale)!, 0.5, accuracy: 0.01, "\(kind)")
            for (p, v) in truth { XCTAssertEqual(r.value(.envelope(p))!, v, accuracy: 0.05 * v, "\(kind) \(p)") }
        }
        // A table that does not cover the fit range is refused.
        var o = CrystalRefinementOptions()
        o.envelope = .file
        o.envelopeTable = try TabulatedEnvelope(path: "short.dat", r: [0, 10], gamma: [1, 0.5])
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-4.gr"))
        assertError(EnvelopeError.self, try CrystalRefinement(crystals: [wz], data: data, options: o), contains: ["short.dat", "covers"])
    }

    func testThreadCountDoesNotChangeTheResult() throws {
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-4.gr"))
        var results = [RefinementResult]()
        for threads in [1, 2] {
            var o = cmiOptions
            o.threads = threads
            results.append(try CrystalRefinement(crystals: [crystal("CdSe-Zincblende.cif")], data: data, options: o).run(keepCurves: false))
        }
        XCTAssertEqual(results[0].rw, results[1].rw)
        XCTAssertEqual(results[0].parameters.map(\.value), results[1].parameters.map(\.value))
    }

    /// The curve cache and the engine's pooled work arrays only save time: the same refinement run
    /// again on one instance (warm cache, reused arrays) gives bit-identical results, and so does
    /// a pair list built twice.
    func testWarmCacheAndPooledArraysDoNotChangeTheResult() throws {
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-4.gr"))
        let wz = try crystal("CdSe-Wurtzite.cif")
        let refinement = try CrystalRefinement(crystals: [wz], data: data, options: cmiOptions)
        let cold = try refinement.run(keepCurves: true)
        let warm = try refinement.run(keepCurves: true)
        XCTAssertEqual(cold.rw, warm.rw)
        XCTAssertEqual(cold.parameters.map(\.value), warm.parameters.map(\.value))
        XCTAssertEqual(cold.curves?.gCalculated, warm.curves?.gCalculated)
        let engine = refinement.engines[0]
        let point = try refinement.parameters.point(0, refinement.parameters.values(refinement.parameters.vector))
        let first = engine.pairs(point), second = engine.pairs(point)
        XCTAssertEqual(first.distances, second.distances)
        XCTAssertEqual(first.weights, second.weights)
        XCTAssertEqual(engine.pdf(point, pairs: first), engine.pdf(point, pairs: second))
    }

    func testSpaceGroupsFromSpglib() throws {
        XCTAssertEqual(SpaceGroup.operations(symbol: "P 63 m c")?.count, 12)
        XCTAssertEqual(SpaceGroup.operations(symbol: "P6_3mc")?.count, 12)
        XCTAssertEqual(SpaceGroup.operations(symbol: "F m -3 m")?.count, 192)
        XCTAssertEqual(SpaceGroup.operations(number: 216)?.count, 96)
        XCTAssertEqual(SpaceGroup.operations(hallSymbol: "-P 2ybc")?.count, 4)   // P2_1/c
        XCTAssertNil(SpaceGroup.operations(symbol: "Q 9 z"))
        XCTAssertNil(SpaceGroup.operations(number: 231))
        let wz = try crystal("CdSe-Wurtzite.cif")
        XCTAssertEqual(SpaceGroup.identify(wz)?.number, 186)
        // The expanded P1 cell symmetrised again is P6_3mc with one site per element.
        let back = try XCTUnwrap(Crystal(symmetrizing: wz.unitCell()))
        XCTAssertEqual(back.operations.count, 12)
        XCTAssertEqual(back.sites.count, 2)
        XCTAssertEqual(back.unitCell().count, 4)
    }
}
