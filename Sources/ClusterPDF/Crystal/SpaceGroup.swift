import CSpglib
import Foundation

/// Space groups through spglib (Togo & Tanaka): identifying the group of a crystal's cell
/// contents, and the operations of a group named by its Hermann–Mauguin symbol or number (spglib's
/// database, default setting) for CIFs that give a symbol but no operations.
public enum SpaceGroup {
    /// The international symbol (e.g. "P6_3mc") and number spglib finds for the atoms of one
    /// cell of `crystal` (distance tolerance `tolerance` Å); nil when it finds none.
    public static func identify(_ crystal: Crystal, tolerance: Double = 1e-3) -> (symbol: String, number: Int)? {
        symmetry(of: crystal.unitCell(), tolerance: tolerance).map { ($0.symbol, $0.number) }
    }

    /// The symmetry spglib finds in the atoms of one cell (tolerance `tolerance` Å), in the
    /// cell's own setting: the space-group symbol and number, its operations, and for each atom
    /// the index of the atom that represents its orbit. Nil for a cluster or when spglib fails.
    public static func symmetry(of cell: Structure, tolerance: Double = 1e-3) -> (symbol: String, number: Int, operations: [SymmetryOperation], representative: [Int])? {
        guard let lat = cell.lattice, !cell.atoms.isEmpty else { return nil }
        let (va, vb, vc) = lat.vectors
        var lattice: ((Double, Double, Double), (Double, Double, Double), (Double, Double, Double)) =
            ((va.x, vb.x, vc.x), (va.y, vb.y, vc.y), (va.z, vb.z, vc.z))
        var positions = cell.atoms.map { a -> (Double, Double, Double) in
            let f = Crystal.wrapped(lat.fractional(a.position)); return (f.x, f.y, f.z)
        }
        let kinds = Array(Set(cell.atoms.map { "\($0.typeSymbol)/\($0.occupancy)/\($0.uiso ?? -1)" })).sorted()
        var types = cell.atoms.map { a in Int32(kinds.firstIndex(of: "\(a.typeSymbol)/\(a.occupancy)/\(a.uiso ?? -1)") ?? 0) }
        let dataset = withUnsafeMutablePointer(to: &lattice) { lp in
            lp.withMemoryRebound(to: (Double, Double, Double).self, capacity: 3) { l in
                positions.withUnsafeMutableBufferPointer { p in spg_get_dataset(l, p.baseAddress, &types, Int32(cell.atoms.count), tolerance) }
            }
        }
        guard let d = dataset else { return nil }
        defer { spg_free_dataset(d) }
        let ds = d.pointee
        guard ds.spacegroup_number > 0, let rot = ds.rotations, let tr = ds.translations, let eq = ds.equivalent_atoms else { return nil }
        let ops = (0..<Int(ds.n_operations)).map { k -> SymmetryOperation in
            let r = rot[k]
            let rows = [SIMD3(Double(r.0.0), Double(r.0.1), Double(r.0.2)), SIMD3(Double(r.1.0), Double(r.1.1), Double(r.1.2)),
                        SIMD3(Double(r.2.0), Double(r.2.1), Double(r.2.2))]
            func snap(_ x: Double) -> Double { let y = x - x.rounded(.down); let n = (y * 24).rounded(); return abs(y * 24 - n) < 1e-6 ? (n == 24 ? 0 : n / 24) : y }
            return SymmetryOperation(rotation: rows, translation: SIMD3(snap(tr[k].0), snap(tr[k].1), snap(tr[k].2)))
        }
        return (string(ds.international_symbol), Int(ds.spacegroup_number), ops, (0..<cell.atoms.count).map { Int(eq[$0]) })
    }

    /// The operations of the space group named `symbol` ("P 63 m c", "P6_3mc", "F -4 3 m",
    /// "Fm-3m"; spaces, underscores and case ignored; a ":1"/":2" or ":H"/":R" suffix picks the
    /// setting) or nil when spglib's database has no such symbol.
    public static func operations(symbol: String) -> [SymmetryOperation]? {
        func normal(_ s: String) -> String { s.lowercased().filter { !" _".contains($0) } }
        var name = normal(symbol), choice = ""
        if let colon = name.firstIndex(of: ":") { choice = String(name[name.index(after: colon)...]); name = String(name[..<colon]) }
        for hall in 1...530 {
            let t = spg_get_spacegroup_type(Int32(hall))
            let names = [string(t.international_short), string(t.international_full), string(t.international)].map(normal)
            let matches = names.contains(name) || names.contains(where: { $0.split(separator: ":").first.map(String.init) == name })
            guard matches else { continue }
            if !choice.isEmpty, normal(string(t.choice)) != choice { continue }
            return operations(hall: hall)
        }
        return nil
    }

    /// The operations of the space group with Hall symbol `hallSymbol` ("-P 2ybc"; spaces and
    /// case ignored), or nil when spglib's database has no such symbol.
    public static func operations(hallSymbol: String) -> [SymmetryOperation]? {
        func normal(_ s: String) -> String { s.lowercased().filter { !" _".contains($0) } }
        let name = normal(hallSymbol)
        for hall in 1...530 where normal(string(spg_get_spacegroup_type(Int32(hall)).hall_symbol)) == name { return operations(hall: hall) }
        return nil
    }

    /// The operations of space group `number` (1…230) in its default setting.
    public static func operations(number: Int) -> [SymmetryOperation]? {
        guard (1...230).contains(number) else { return nil }
        for hall in 1...530 where spg_get_spacegroup_type(Int32(hall)).number == Int32(number) { return operations(hall: hall) }
        return nil
    }

    static func operations(hall: Int) -> [SymmetryOperation] {
        var rotations = [Int32](repeating: 0, count: 192 * 9)
        var translations = [Double](repeating: 0, count: 192 * 3)
        let n = rotations.withUnsafeMutableBytes { r in
            translations.withUnsafeMutableBytes { t in
                spg_get_symmetry_from_database(r.baseAddress!.assumingMemoryBound(to: (Int32, Int32, Int32).self)
                                                .withMemoryRebound(to: ((Int32, Int32, Int32), (Int32, Int32, Int32), (Int32, Int32, Int32)).self, capacity: 192) { $0 },
                                               t.baseAddress!.assumingMemoryBound(to: (Double, Double, Double).self), Int32(hall))
            }
        }
        return (0..<Int(n)).map { k in
            let rows = (0..<3).map { i in SIMD3((0..<3).map { j in Double(rotations[k * 9 + i * 3 + j]) }) }
            return SymmetryOperation(rotation: rows, translation: SIMD3(translations[k * 3], translations[k * 3 + 1], translations[k * 3 + 2]))
        }
    }

    static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
