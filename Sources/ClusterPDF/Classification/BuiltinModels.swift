import Foundation

/// The default classifier models, made in memory with the builders when no `Structures/`
/// directory is at hand (an installed binary). They are the cluster models of
/// `Structures/library.json`, built by the same commands (`Scripts/make-structures`).
public enum BuiltinModels {
    static let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    /// Names as in Structures/ (e.g. "CdSe-wurtzite-R10.xyz").
    public static var names: [String] {
        ["Cd35Se20.xyz", "Cd56Se35.xyz", "Cd84Se56.xyz"] + [6, 7, 8, 10, 15].flatMap { ["CdSe-zincblende-R\($0).xyz", "CdSe-wurtzite-R\($0).xyz"] }
            + ["CdSe-zincblende.cif", "CdSe-wurtzite.cif"]
    }

    /// Builds one model by name; nil for an unknown name.
    public static func model(named name: String) throws -> ClassifierModel? {
        let path = "builtin:" + name
        switch name {
        case "Cd35Se20.xyz", "Cd56Se35.xyz", "Cd84Se56.xyz":
            let n = ["Cd35Se20.xyz": 5, "Cd56Se35.xyz": 6, "Cd84Se56.xyz": 7][name]!
            return ClassifierModel(name: name, path: path, family: .zincblendeLike, structure: try TetrahedronBuilder.build(cation: cd, anion: se, size: n))
        case _ where name.hasSuffix("-zincblende.cif") || name.hasSuffix("-wurtzite.cif"):
            let key = String(name.prefix { $0 != "-" })
            guard let pair = MaterialTable.binaries.first(where: { MaterialTable.key($0.cation, $0.anion) == key }) else { return nil }
            return try attenuatedCrystal(cation: pair.cation, anion: pair.anion, wurtzite: name.hasSuffix("-wurtzite.cif"))
        default:
            let parts = name.replacingOccurrences(of: ".xyz", with: "").split(separator: "-")
            guard parts.count == 3, parts[0] == "CdSe", let r = Double(parts[2].dropFirst()) else { return nil }
            let wurtzite = parts[1] == "wurtzite"
            let cell = wurtzite ? try CrystalBuilder.wurtzite(cation: cd, anion: se) : try CrystalBuilder.zincblende(cation: cd, anion: se)
            return ClassifierModel(name: name, path: path, family: wurtzite ? .wurtziteLike : .zincblendeLike,
                                   structure: try ClusterCarver.carve(cell, radius: r))
        }
    }

    /// The bulk zincblende or wurtzite cell of the pair as an attenuated-crystal model (sphere
    /// envelope), named "CdSe-wurtzite.cif" etc.; nil when the cell cannot be symmetrised.
    public static func attenuatedCrystal(cation: Element, anion: Element, wurtzite: Bool) throws -> ClassifierModel? {
        let cell = wurtzite ? try CrystalBuilder.wurtzite(cation: cation, anion: anion) : try CrystalBuilder.zincblende(cation: cation, anion: anion)
        guard let crystal = Crystal(symmetrizing: cell) else { return nil }
        let name = "\(MaterialTable.key(cation, anion))-\(wurtzite ? "wurtzite" : "zincblende").cif"
        return ClassifierModel(name: name, path: "builtin:" + name, family: wurtzite ? .wurtziteLike : .zincblendeLike, structure: cell, crystal: crystal)
    }

    /// Every built-in model, in `names` order.
    public static func all() throws -> [ClassifierModel] { try names.compactMap { try model(named: $0) } }
}

extension ModelLibrary {
    /// `Structures/library.json` in the working directory or above the executable, if any.
    public static func locateDefault(executable: String = CommandLine.arguments[0]) -> String? {
        let fm = FileManager.default
        if fm.fileExists(atPath: "Structures/library.json") { return "Structures" }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("Structures/library.json").path
            if fm.fileExists(atPath: candidate) { return dir.appendingPathComponent("Structures").path }
            dir.deleteLastPathComponent()
        }
        return nil
    }
}

extension ClassifierModel {
    /// Reads a model recorded in a result: a file path, or "builtin:NAME".
    public static func reload(path: String, family: ModelLibrary.Family) throws -> ClassifierModel {
        if path.hasPrefix("builtin:"), let m = try BuiltinModels.model(named: String(path.dropFirst(8))) { return m }
        if path.hasPrefix("generated:"), let spec = CandidateSpace.spec(named: String(path.dropFirst(10))) {
            return ClassifierModel(name: spec.name, path: path, family: spec.family, structure: try spec.build())
        }
        return ClassifierModel(name: (path as NSString).lastPathComponent, path: path, family: family, structure: try StructureReader.read(path: path).structure)
    }
}
