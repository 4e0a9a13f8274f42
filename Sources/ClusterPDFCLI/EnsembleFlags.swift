import ArgumentParser
import ClusterPDF

extension EnsembleKind: ExpressibleByArgument {}

/// Options of Debye nanoparticle ensembles (`fit --ensemble lognormal [--stacking-faults]`).
struct EnsembleFlags: ParsableArguments {
    @Option(name: .customLong("ensemble"), help: "Fit a Debye nanoparticle ensemble built of the crystal's double layers instead of an attenuated crystal: lognormal (spheres, mean diameter psize and its standard deviation psig in Å).")
    var kind: EnsembleKind?
    @Flag(help: "With --ensemble: refine the stacking-fault probability 'fault' (0 wurtzite … 1 zincblende), averaged exactly over random stackings.")
    var stackingFaults = false
    @Option(help: "With --ensemble: largest particle diameter modelled (Å, default 120).") var maxDiameter: Double?

    func validate() throws {
        if kind == nil, stackingFaults { throw ValidationError("--stacking-faults needs --ensemble lognormal") }
        if kind == nil, maxDiameter != nil { throw ValidationError("--max-diameter needs --ensemble lognormal") }
        if let m = maxDiameter, !(m.isFinite && m >= 8 && m <= 400) { throw ValidationError("--max-diameter must be between 8 and 400 Å") }
    }

    /// The ensemble options with the refinement flags' data settings, starts, bounds and free list.
    func options(_ r: RefinementFlags) throws -> EnsembleOptions {
        var o = EnsembleOptions()
        if let k = kind { o.kind = k }
        o.stackingFaults = stackingFaults
        if let m = maxDiameter { o.maximumDiameter = m }
        o.refinement = try r.options()
        o.free = try r.free.map { try ParameterName.list(parsing: $0) }
        return o
    }
}
