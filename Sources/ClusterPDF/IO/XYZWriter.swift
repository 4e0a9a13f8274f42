import Foundation

/// Writes XYZ: plain for clusters, extended XYZ (`Lattice=`, `Properties=`) when a lattice is set.
public enum XYZWriter {
    /// The XYZ text of `structure`, positions in Å with 8 decimals.
    public static func string(_ structure: Structure) -> String {
        var out = "\(structure.count)\n"
        let title = structure.title.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\"", with: "'")
        // Partial occupancies (mixed sites) need an occupancy column: extended XYZ then.
        let partial = structure.atoms.contains { $0.occupancy != 1 }
        let props = "Properties=species:S:1:pos:R:3" + (partial ? ":occupancy:R:1" : "")
        if let l = structure.lattice {
            let (a, b, c) = l.vectors
            let v = [a, b, c].flatMap { [$0.x, $0.y, $0.z] }.map { String(format: "%.8f", $0) }.joined(separator: " ")
            out += "Lattice=\"\(v)\" \(props) pbc=\"T T T\" comment=\"\(title)\"\n"
        } else if partial {
            out += "\(props) comment=\"\(title)\"\n"
        } else {
            out += title + "\n"
        }
        for a in structure.atoms {
            // Values that print as zero are written as 0 (never "-0.00000000").
            func clean(_ v: Double) -> Double { abs(v) < 5e-9 ? 0 : v }
            out += String(format: "%-4@ %15.8f %15.8f %15.8f", a.typeSymbol as NSString, clean(a.position.x), clean(a.position.y), clean(a.position.z))
            out += partial ? String(format: " %.6f\n", a.occupancy) : "\n"
        }
        return out
    }
}
