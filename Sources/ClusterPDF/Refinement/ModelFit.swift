import Foundation

/// What `fit` does with its models: one finite cluster (XYZ, cluster CIF, or a molecule of a
/// molecular crystal) is refined as a cluster (`PDFRefinement`); one or more periodic CIFs are
/// refined as attenuated crystals, several of them as phases of one model (`CrystalRefinement`).
/// Anything else is an error that says why.
public enum ModelFit {
    /// Refines `models` against `data` with the options of the mode that applies.
    public static func run(models: [LoadedStructure], data: MeasuredCurve, cluster: RefinementOptions = RefinementOptions(),
                           crystal: CrystalRefinementOptions = CrystalRefinementOptions(), keepCurves: Bool = true) throws -> RefinementResult {
        guard let first = models.first else { throw RefinementError.invalidSetting(option: "MODEL", message: "no model given") }
        // A CIF of a solid that declares no symmetry is not guessed to be P1.
        for m in models where m.crystal != nil && !m.declaresSymmetry {
            throw InputError(file: m.path, item: "_space_group_symop_operation_xyz",
                             "no space group or symmetry operations: a crystal needs them (give _space_group_symop_operation_xyz, or _symmetry_space_group_name_H-M 'P 1' for no symmetry)")
        }
        if models.allSatisfy({ $0.kind == .crystal }) {
            let crystals = try models.map { try $0.periodicCrystal() }
            return try CrystalRefinement(crystals: crystals, data: data, options: crystal).run(keepCurves: keepCurves)
        }
        guard models.count == 1 else {
            let odd = models.first { $0.kind != .crystal }?.path ?? first.path
            throw RefinementError.invalidSetting(option: "MODEL", message: "several models are the phases of a crystal model, so each must be a periodic CIF; \(odd) is not")
        }
        return try PDFRefinement(structure: first.structure, data: data, options: cluster).run(keepCurves: keepCurves)
    }
}

extension ModelFit {
    /// Refines one finite cluster against reciprocal-space data (`PatternRefinement`).
    public static func runPattern(models: [LoadedStructure], data: ReciprocalData, options: PatternRefinementOptions) throws -> PatternFitResult {
        guard models.count == 1, let m = models.first else {
            throw RefinementError.invalidSetting(option: "MODEL", message: "reciprocal-space data are fitted with one cluster model; several models make crystal phases, which fit G(r) only")
        }
        guard m.kind != .crystal else {
            throw RefinementError.invalidSetting(option: "MODEL", message: "\(m.path) is a periodic crystal: reciprocal-space fits need a finite cluster (carve one with 'clusterpdf build sphere \(m.path) --radius R')")
        }
        return try PatternRefinement.run(structure: m.structure, title: m.structure.title.isEmpty ? m.path : m.structure.title, data: data, options: options)
    }
}

extension ParameterName {
    /// Reads values `name=value[,name=value …]` (`psize=30,uiso:Cd=0.01`).
    public static func values(parsing text: String) throws(RefinementError) -> [ParameterName: Double] {
        var out = [ParameterName: Double]()
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { throw .invalidSetting(option: "--start", message: "cannot read '\(item)': use name=value, e.g. psize=30") }
            let name = try ParameterName(parsing: String(kv[0]))
            guard let v = Double(kv[1].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw .invalidSetting(option: "--start", message: "'\(kv[1])' in '\(item)' is not a finite number")
            }
            out[name] = v
        }
        return out
    }
}
