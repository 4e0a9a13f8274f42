import Foundation

/// Reads XYZ files: plain (`N`, comment, `El x y z` lines), extended XYZ (`Lattice="…"`,
/// `Properties=species:S:1:pos:R:3…` in the comment line) and multi-frame trajectories.
public enum XYZReader {
    /// Every frame of the file at `path`.
    public static func readFrames(path: String) throws -> [Structure] {
        try parseFrames(text: TextFile.read(path), file: path)
    }

    /// Parses XYZ text; `file` names the source in errors.
    public static func parseFrames(text: String, file: String) throws -> [Structure] {
        let lines = TextFile.lines(text)
        var frames = [Structure]()
        var i = 0
        while i < lines.count {
            let countLine = lines[i].trimmingCharacters(in: .whitespaces)
            if countLine.isEmpty { i += 1; continue }
            guard let n = Int(countLine) else {
                if frames.isEmpty { throw InputError(file: file, line: i + 1, "expected the atom count, found '\(countLine.prefix(40))'") }
                throw InputError(file: file, line: i + 1, "expected the atom count of frame \(frames.count + 1), found '\(countLine.prefix(40))' (does the previous frame's count match its atom lines?)")
            }
            guard n > 0 else { throw InputError(file: file, line: i + 1, "atom count is \(n): the structure is empty") }
            guard i + 1 < lines.count else { throw InputError(file: file, line: i + 1, "file ends before the comment line (truncated?)") }
            let comment = String(lines[i + 1])
            let ext = try ExtendedXYZHeader(comment: comment, file: file, line: i + 2)
            // A count beyond the file's length is refused before anything is allocated.
            guard n <= lines.count else {
                throw InputError(file: file, line: i + 1, "atom count is \(n) but the file has only \(lines.count) lines (truncated, or the atom count is wrong)")
            }
            var atoms = [Atom]()
            atoms.reserveCapacity(n)
            var labels = [Substring: (element: Element, charge: Int)]()  // labels repeat: parse each once
            var last: (label: [UInt8], atom: Atom)?
            for k in 0..<n {
                let ln = i + 2 + k
                guard ln < lines.count, lines[ln].utf8.contains(where: { $0 != 32 && $0 != 9 }) else {
                    throw InputError(file: file, line: ln + 1, "file ends after \(k) of \(n) atoms (truncated, or the atom count is wrong)")
                }
                // Fast path: a plain 'El x y z' line with the previous line's label.
                if ext.occupancyColumn == nil, let previous = last, let p = plainPosition(lines[ln], header: ext, label: previous.label) {
                    var atom = previous.atom
                    atom.position = p
                    atoms.append(atom)
                    continue
                }
                let atom = try parseAtom(lines[ln], header: ext, file: file, line: ln + 1, labels: &labels)
                atoms.append(atom)
                last = ext.occupancyColumn == nil ? (Array(TextFile.fields(lines[ln])[ext.speciesColumn].utf8), atom) : nil
            }
            var s = Structure(title: ext.title, atoms: atoms)
            if let vectors = ext.latticeVectors {
                s = try latticeStructure(s, vectors: vectors, file: file, line: i + 2)
            }
            frames.append(s)
            i += 2 + n
        }
        if frames.isEmpty { throw InputError(file: file, "no atoms found (empty XYZ file)") }
        return frames
    }

    static func parseAtom(_ line: Substring, header: ExtendedXYZHeader, file: String, line ln: Int,
                          labels: inout [Substring: (element: Element, charge: Int)]) throws -> Atom {
        let f = TextFile.fields(line)
        let need = max(header.speciesColumn, header.positionColumn + 2) + 1
        guard f.count >= need else {
            throw InputError(file: file, line: ln, "expected 'element x y z', found \(f.count) field\(f.count == 1 ? "" : "s") (is the atom count right?)")
        }
        let field = f[header.speciesColumn]
        let sym = String(field)
        let parsed: (element: Element, charge: Int)?
        if let known = labels[field] { parsed = known } else if let z = Int(sym) {
            parsed = Element(atomicNumber: z).map { ($0, 0) }
        } else { parsed = Element.parseSymbol(sym) }
        guard let (el, charge) = parsed else {
            throw InputError(file: file, line: ln, "unknown element '\(sym)': XYZ needs an element symbol (Cd, Se; a charge such as Cd2+ is allowed) or an atomic number")
        }
        labels[field] = (el, charge)
        var p = SIMD3<Double>()
        for c in 0..<3 {
            let t = f[header.positionColumn + c]
            guard let v = parseFinite(t) else {
                throw InputError(file: file, line: ln, "coordinate '\(t)' is not a finite number")
            }
            guard abs(v) <= Defaults.maximumCoordinate else {
                throw InputError(file: file, line: ln, "coordinate \(t) Å is beyond ±\(Int(Defaults.maximumCoordinate)) Å (the largest ClusterPDF accepts)")
            }
            p[c] = v
        }
        var atom = Atom(element: el, position: p, charge: charge, label: sym)
        if let oc = header.occupancyColumn {
            guard oc < f.count, let o = parseFinite(f[oc]), o >= 0, o <= 1.0001 else {
                throw InputError(file: file, line: ln, item: "occupancy", "occupancy '\(oc < f.count ? String(f[oc]) : "")' is not a number in 0…1")
            }
            atom.occupancy = min(o, 1)
        }
        return atom
    }

    /// The position of an atom line whose species field is `label` byte for byte, parsed from the
    /// line's bytes without allocating; nil when anything is unusual (other label, a field that is
    /// not a plain finite number, a coordinate out of range, too few fields), and the full parser
    /// then reads the line and reports any problem. 20× faster per line than the full parser.
    static func plainPosition(_ line: Substring, header: ExtendedXYZHeader, label: [UInt8]) -> SIMD3<Double>? {
        let result: SIMD3<Double>?? = line.utf8.withContiguousStorageIfAvailable { bytes -> SIMD3<Double>? in
            var field = 0, i = 0
            var p = SIMD3<Double>()
            let n = bytes.count
            let last = header.positionColumn + 2
            while i < n, field <= max(last, header.speciesColumn) {
                while i < n, bytes[i] == 32 || bytes[i] == 9 { i += 1 }
                if i == n { break }
                let start = i
                while i < n, bytes[i] != 32, bytes[i] != 9 { i += 1 }
                let length = i - start
                if field == header.speciesColumn {
                    guard length == label.count, (0..<length).allSatisfy({ bytes[start + $0] == label[$0] }) else { return nil }
                } else if field >= header.positionColumn && field <= last {
                    guard length < 63 else { return nil }
                    var value = 0.0
                    let ok = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Bool in
                        for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
                        buffer[length] = 0
                        var end: UnsafeMutablePointer<CChar>?
                        value = strtod(buffer.baseAddress!, &end)
                        return end == buffer.baseAddress! + length
                    }
                    guard ok, value.isFinite, abs(value) <= Defaults.maximumCoordinate else { return nil }
                    p[field - header.positionColumn] = value
                }
                field += 1
            }
            return field > max(last, header.speciesColumn) ? p : nil
        }
        return result ?? nil
    }

    static func latticeStructure(_ s: Structure, vectors: [SIMD3<Double>], file: String, line: Int) throws -> Structure {
        // Express the cell in the standard orientation; keep atoms at the same fractional positions.
        let (a, b, c) = (vectors[0], vectors[1], vectors[2])
        func angle(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
            acos(max(-1, min(1, (u * v).sum() / (simd_length(u) * simd_length(v))))) * 180 / .pi
        }
        let lat: Lattice
        do {
            lat = try Lattice(a: simd_length(a), b: simd_length(b), c: simd_length(c), alpha: angle(b, c), beta: angle(a, c), gamma: angle(a, b))
        } catch { throw InputError(file: file, line: line, item: "Lattice", "\(error)") }
        // Solve r = F · (a, b, c) for fractional F with Cramer's rule.
        let det = (a * cross(b, c)).sum()
        guard abs(det) > 1e-9 else { throw InputError(file: file, line: line, item: "Lattice", "cell has zero volume") }
        var out = s
        for i in out.atoms.indices {
            let r = out.atoms[i].position
            let f = SIMD3((r * cross(b, c)).sum(), (a * cross(r, c)).sum(), (a * cross(b, r)).sum()) / det
            out.atoms[i].position = lat.cartesian(f)
        }
        out.lattice = lat
        return out
    }
}

/// The key=value pairs of an extended-XYZ comment line that matter here.
struct ExtendedXYZHeader {
    var title: String
    var speciesColumn = 0
    var positionColumn = 1
    /// Column of site occupancies (`occupancy:R:1`), if any.
    var occupancyColumn: Int?
    var latticeVectors: [SIMD3<Double>]?

    init(comment: String, file: String, line: Int) throws {
        title = comment.trimmingCharacters(in: .whitespaces)
        guard comment.contains("=") else { return }
        let pairs = ExtendedXYZHeader.keyValues(comment)
        if let lat = pairs["lattice"] {
            let v = lat.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { parseFinite($0) }
            guard v.count == 9 else { throw InputError(file: file, line: line, item: "Lattice", "Lattice needs 9 numbers, found \(v.count)") }
            latticeVectors = [SIMD3(v[0], v[1], v[2]), SIMD3(v[3], v[4], v[5]), SIMD3(v[6], v[7], v[8])]
        }
        if let props = pairs["properties"] {
            let p = props.split(separator: ":").map(String.init)
            guard p.count % 3 == 0 else { throw InputError(file: file, line: line, item: "Properties", "Properties must be name:type:count triples") }
            var col = 0
            var sawSpecies = false, sawPos = false
            for k in stride(from: 0, to: p.count, by: 3) {
                guard let n = Int(p[k + 2]), n > 0 else { throw InputError(file: file, line: line, item: "Properties", "bad column count '\(p[k + 2])'") }
                switch p[k].lowercased() {
                case "species": speciesColumn = col; sawSpecies = true
                case "pos": positionColumn = col; sawPos = true
                case "occupancy", "occ": occupancyColumn = col
                default: break
                }
                col += n
            }
            guard sawSpecies, sawPos else { throw InputError(file: file, line: line, item: "Properties", "Properties must list species and pos") }
        }
        if let t = pairs["comment"] ?? pairs["title"] { title = t }
    }

    /// Splits `key=value key="quoted value"` into a lower-cased-key dictionary.
    static func keyValues(_ s: String) -> [String: String] {
        var out = [String: String]()
        let chars = Array(s)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }
        while i < chars.count {
            skipSpace()
            var key = ""
            while i < chars.count, chars[i] != "=", chars[i] != " ", chars[i] != "\t" { key.append(chars[i]); i += 1 }
            guard i < chars.count, chars[i] == "=" else { continue }
            i += 1
            var value = ""
            if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                let q = chars[i]; i += 1
                while i < chars.count, chars[i] != q { value.append(chars[i]); i += 1 }
                i += 1
            } else {
                while i < chars.count, chars[i] != " ", chars[i] != "\t" { value.append(chars[i]); i += 1 }
            }
            if !key.isEmpty { out[key.lowercased()] = value }
        }
        return out
    }
}
