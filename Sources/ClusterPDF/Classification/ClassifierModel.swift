import Foundation

/// A model the classifier (`ClusterMiner`) fits beside its generated candidates, or alone as a fixed
/// model list (`CandidateSpace.none`): a finite cluster, or a periodic crystal as an attenuated crystal
/// (sphere envelope, size refined), with its structure family.
public struct ClassifierModel: Sendable {
    /// Name (file name in the library).
    public var name: String
    /// Path the model was read from (recorded in results so plots can be remade).
    public var path: String
    /// Its structure family.
    public var family: ModelLibrary.Family
    /// The cluster (for a crystal model, its unit cell).
    public var structure: Structure
    /// For an attenuated-crystal model, the crystal (refined with `CrystalRefinement`).
    public var crystal: Crystal?
    /// A model; with `crystal`, an attenuated crystal.
    public init(name: String, path: String, family: ModelLibrary.Family, structure: Structure, crystal: Crystal? = nil) {
        self.name = name; self.path = path; self.family = family; self.structure = structure; self.crystal = crystal
    }

    /// The models of a library (files read from disk): its clusters, and its periodic crystals
    /// as attenuated crystals.
    public static func load(_ library: ModelLibrary) throws -> [ClassifierModel] {
        try library.allModels.map { entry, path in
            let loaded = try StructureReader.read(path: path)
            let crystal = (entry.kind ?? .cluster) == .crystal ? try loaded.periodicCrystal() : nil
            return ClassifierModel(name: entry.file, path: path, family: entry.family, structure: loaded.structure, crystal: crystal)
        }
    }
}
