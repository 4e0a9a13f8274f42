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
        resolve(symbol: symbol)?.operations
    }

    /// The operations of the space group named `symbol`, as `operations(symbol:)`, and a note when
    /// they were derived rather than taken from spglib's database: a centred symbol in a
    /// non-standard setting that the database lacks ("A -1", "I 1 2/a 1", "B 2/b 1 1") is its
    /// primitive counterpart's operations ("P -1") combined with the centring translations of
    /// the letter (A, B, C, I, F, R obverse), accepted only when the result is a group.
    public static func resolve(symbol: String) -> (operations: [SymmetryOperation], note: String?)? {
        if let o = databaseOperations(symbol: symbol) { return (o, nil) }
        let trimmed = symbol.trimmingCharacters(in: .whitespaces)
        guard let letter = trimmed.first.map({ Character($0.uppercased()) }), let shifts = centring[letter] else { return nil }
        let primitive = "P" + trimmed.dropFirst()
        guard let base = databaseOperations(symbol: primitive) else { return nil }
        var ops = [SymmetryOperation]()
        for op in base {
            for t in [SIMD3<Double>.zero] + shifts {
                let v = op.translation + t
                let w = SIMD3(v.x - v.x.rounded(.down), v.y - v.y.rounded(.down), v.z - v.z.rounded(.down))
                let candidate = SymmetryOperation(rotation: op.rotation, translation: w)
                if !ops.contains(where: { same($0, candidate) }) { ops.append(candidate) }
            }
        }
        guard isGroup(ops) else { return nil }
        return (ops, "space group '\(trimmed)' (a non-standard setting spglib's database lacks) built from '\(primitive)' and the \(letter) centring")
    }

    /// Centring translations of the lattice letters (R: obverse, hexagonal axes).
    static let centring: [Character: [SIMD3<Double>]] = [
        "A": [SIMD3(0, 0.5, 0.5)], "B": [SIMD3(0.5, 0, 0.5)], "C": [SIMD3(0.5, 0.5, 0)], "I": [SIMD3(0.5, 0.5, 0.5)],
        "F": [SIMD3(0, 0.5, 0.5), SIMD3(0.5, 0, 0.5), SIMD3(0.5, 0.5, 0)],
        "R": [SIMD3(2.0 / 3, 1.0 / 3, 1.0 / 3), SIMD3(1.0 / 3, 2.0 / 3, 2.0 / 3)],
    ]

    static func same(_ a: SymmetryOperation, _ b: SymmetryOperation) -> Bool {
        guard a.rotation == b.rotation else { return false }
        let d = a.translation - b.translation
        return [d.x, d.y, d.z].allSatisfy { abs($0 - $0.rounded()) < 1e-6 }
    }

    /// a ∘ b: x ↦ Ra (Rb x + tb) + ta.
    static func compose(_ a: SymmetryOperation, _ b: SymmetryOperation) -> SymmetryOperation {
        var rows = [SIMD3<Double>]()
        for i in 0..<3 {
            var row = SIMD3<Double>.zero
            for k in 0..<3 { row += a.rotation[i][k] * b.rotation[k] }
            rows.append(row)
        }
        let t = SIMD3((a.rotation[0] * b.translation).sum(), (a.rotation[1] * b.translation).sum(), (a.rotation[2] * b.translation).sum()) + a.translation
        return SymmetryOperation(rotation: rows, translation: t)
    }

    /// Whether `ops` is closed under composition (modulo lattice translations).
    static func isGroup(_ ops: [SymmetryOperation]) -> Bool {
        for a in ops { for b in ops { let c = compose(a, b); if !ops.contains(where: { same($0, c) }) { return false } } }
        return true
    }

    static func databaseOperations(symbol: String) -> [SymmetryOperation]? {
        for (name, choice) in symbolVariants(symbol) {
            for hall in 1...530 {
                let t = spg_get_spacegroup_type(Int32(hall))
                let names = databaseNames(t)
                let matches = names.contains(name) || names.contains(where: { $0.split(separator: ":").first.map(String.init) == name })
                guard matches else { continue }
                if !choice.isEmpty, normalSymbol(string(t.choice)) != choice { continue }
                return operations(hall: hall)
            }
        }
        return nil
    }

    static func normalSymbol(_ s: String) -> String { s.lowercased().filter { !" _".contains($0) } }

    /// Every spelling spglib gives for a Hall setting (short, full, the "=" alternatives of
    /// `international`), plus the full symbol without its "1" axes ("P 1 2_1/n 1" → P2_1/n), the
    /// short form chemists write for monoclinic settings; normalised.
    static func databaseNames(_ t: SpglibSpacegroupType) -> [String] {
        let full = string(t.international_full)
        var names = [string(t.international_short), full] + string(t.international).split(separator: "=").map(String.init)
        let tokens = full.split(separator: " ")
        if tokens.count > 2 { names.append(tokens.filter { $0 != "1" }.joined(separator: " ")) }
        return names.map(normalSymbol)
    }

    /// Spellings of a Hermann–Mauguin symbol to look up, with the setting choice: as written;
    /// subscripts in parentheses ("P2(1)/c" → P21/c); origin or cell choice from a remark in
    /// braces or parentheses ("{origin @ centre}" → 2, "origin choice 1" → 1); the pre-1983
    /// cubic notation without the bar ("Fd3m", "P m 3 m", "Pa3" → Fd-3m, Pm-3m, Pa-3).
    static func symbolVariants(_ symbol: String) -> [(String, String)] {
        var text = symbol.lowercased()
        var choice = ""
        // A remark: "{...}", "(origin ...)", "origin choice 2", "(no. 227)".
        if let open = text.firstIndex(where: { $0 == "{" }) {
            let remark = String(text[open...])
            text = String(text[..<open])
            if remark.contains("centre") || remark.contains("center") || remark.contains("2") { choice = "2" } else if remark.contains("1") { choice = "1" }
        }
        for key in ["origin choice", "origin", "(no", "no."] {
            if let r = text.range(of: key) {
                let remark = String(text[r.lowerBound...])
                text = String(text[..<r.lowerBound])
                if key.hasPrefix("origin") { if remark.contains("2") || remark.contains("centre") { choice = "2" } else if remark.contains("1") { choice = "1" } }
            }
        }
        var name = normalSymbol(text)
        if let colon = name.firstIndex(of: ":") { choice = String(name[name.index(after: colon)...]); name = String(name[..<colon]) }
        // Subscripts in parentheses: 2(1) → 21.
        var plain = ""
        var chars = Array(name)
        var i = 0
        while i < chars.count {
            if chars[i] == "(", i + 2 < chars.count, chars[i + 1].isNumber, chars[i + 2] == ")" { plain.append(chars[i + 1]); i += 3; continue }
            plain.append(chars[i]); i += 1
        }
        var out = [(name, choice)]
        if plain != name { out.append((plain, choice)) }
        // Old cubic notation: a 3 after a mirror/glide letter (not the lattice letter) had no bar.
        chars = Array(plain)
        var cubic = ""
        for (k, c) in chars.enumerated() {
            if c == "3", k >= 2, "mandbc".contains(chars[k - 1]), chars[k - 1] != "-" { cubic.append("-") }
            cubic.append(c)
        }
        if cubic != plain { out.append((cubic, choice)) }
        return out
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
