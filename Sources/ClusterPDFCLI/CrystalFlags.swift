import ArgumentParser
import ClusterPDF
import Foundation

extension EnvelopeKind: ExpressibleByArgument {}

/// Options of crystal (attenuated-crystal) models.
struct CrystalFlags: ParsableArguments {
    @Option(help: "Particle envelope of crystal models: sphere, spheroid, shell, core-shell (two models: core, shell), lognormal, file, none.")
    var envelope: EnvelopeKind = .sphere
    @Option(help: "γ(r) for --envelope file: two columns r (Å) and γ.") var envelopeFile: String?
    @Option(help: "Parameters to hold at their starting values, comma-separated (e.g. delta2,phase2.psize).") var fix: String?
    @Option(help: "Starting values name=value,… (e.g. psize=30,a=4.3); without phaseN. they apply to every phase.") var start: String?
    @Flag(help: "Refine the anisotropic U each site's symmetry allows instead of one Uiso per element.") var anisotropic = false

    func validate() throws {
        do {
            if let f = fix { _ = try ParameterName.list(parsing: f) }
            if let s = start { _ = try ParameterName.values(parsing: s) }
        } catch { throw ValidationError(error.description) }
        if envelope == .file, envelopeFile == nil { throw ValidationError("--envelope file needs --envelope-file") }
    }

    func options(_ r: RefinementFlags) throws -> CrystalRefinementOptions {
        var o = CrystalRefinementOptions()
        o.overrides = r.data.overrides
        o.envelope = envelope
        if let f = envelopeFile { o.envelopeTable = try TabulatedEnvelope.read(path: f) }
        if let f = r.free { o.free = try ParameterName.list(parsing: f) }
        if let f = fix { o.fixed = try ParameterName.list(parsing: f) }
        if let s = start { o.start = try ParameterName.values(parsing: s) }
        for case let (name, v?) in [(ParameterName.uiso, r.uiso), (.delta1, r.delta1), (.delta2, r.delta2)] where o.start[name] == nil { o.start[name] = v }
        if let b = r.bounds { o.bounds = try ParameterName.bounds(parsing: b) }
        o.anisotropic = anisotropic
        o.globalSearch = !r.noGlobalSearch
        o.uncertaintyModel = r.uncertainty
        if let t = r.threads { o.threads = t }
        return o
    }
}
