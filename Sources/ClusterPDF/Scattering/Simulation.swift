/// One `simulate` job: a function of a finite cluster with its settings, computed into a curve,
/// the header that documents it (PDFgetX3 style: every parameter and the definition used) and
/// the matching figure.
public struct Simulation: Sendable {
    /// The cluster.
    public var structure: Structure
    /// Where it was read from (recorded in the header).
    public var path: String
    /// What to compute.
    public var function: ScatteringFunction
    /// Q and r grids, damping, widths, displacements, mode.
    public var settings: ScatteringSettings
    /// Partial G(r) or F(Q) of element pairs, as extra columns.
    public var partials: [ElementPair] = []
    /// Wavelengths, 2θ range and instrument of a powder pattern (`xrd`).
    public var powder = PowderSettings()
    /// Also compute I(Q) (0…qmax by qstep) from the same pair histogram (`gr` only).
    public var alsoIntensity = false
    /// A periodic crystal: G(r) is then its periodic G(r) (`PeriodicPDFCalculator`, with the
    /// −4πρ₀r baseline) times `envelope`, instead of the Debye G(r) of `structure`.
    public var crystal: Crystal?
    /// The particle envelope of a periodic crystal (`.none`: the bulk).
    public var envelope = Envelope.none

    /// A job; `settings` are validated when it runs.
    public init(structure: Structure, path: String, function: ScatteringFunction, settings: ScatteringSettings) {
        self.structure = structure; self.path = path; self.function = function; self.settings = settings
    }

    /// What a simulation produces.
    public struct Output: Sendable {
        /// The computed curve (several columns with partials).
        public var curve: Curve
        /// `key = value` lines describing it.
        public var header: [(String, String)]
        /// The figure of the curve.
        public var plot: SVGPlot
        /// I(Q) and its header, when `alsoIntensity` was set.
        public var intensity: (curve: Curve, header: [(String, String)])?
        /// Warnings of the calculation (ions replaced by neutral atoms, …).
        public var warnings: [String]
    }

    /// Computes the function; throws `SettingsError` or `ScatteringFactorError` for settings that
    /// cannot be met.
    public func run() throws -> Output {
        if alsoIntensity, function != .gr { throw SettingsError.invalid("--iq-output goes with --function gr") }
        if let crystal { return try periodic(crystal) }
        if envelope != .none { throw SettingsError.invalid("an envelope applies to periodic crystals (a CIF of a solid), not to a finite cluster") }
        if !partials.isEmpty, function == .xrd {
            throw SettingsError.invalid("a powder pattern has no element-pair partials; use --function iq (or sq, fq, gr, rdf) with --partial")
        }
        let present = Set(structure.elements)
        for p in partials where !(present.contains(p.first) && present.contains(p.second)) {
            throw SettingsError.invalid("--partial \(p): the structure has no \([p.first, p.second].filter { !present.contains($0) }.map(\.symbol).joined(separator: " or ")) (its elements: \(structure.elements.map(\.symbol).joined(separator: ", ")))")
        }
        let s = settings
        let calc = try DebyeCalculator(structure: structure, settings: s)
        let formula = structure.formula
        var header: [(String, String)] = [
            ("program", "ClusterPDF \(ClusterPDFVersion.string)"), ("structure", path), ("formula", formula),
            ("atoms", "\(structure.count)"), ("function", function.rawValue),
            ("radiation", s.radiation == .xray ? "xray (Waasmaier-Kirfel 1995 form factors)" : "neutron (coherent scattering lengths b_c)"),
            ("anomalous", s.anomalous?.description ?? "none (f0 only)"),
            // PDFgetX3's key for the radiation, so that `fit` and `classify` (and diffpy) read the file back.
            ("mode", s.radiation == .xray ? "xray" : "neutron"), ("composition", formula),
        ]
        let curve: Curve
        let xLabel: String, yLabel: String, title: String
        switch function {
        case .gr, .rdf:
            header += [("qmin", "\(s.qmin)"), ("qmax", "\(s.qmax)"), ("qdamp", "\(s.qdamp)"), ("qbroad", "\(s.qbroad)"),
                       ("delta1", "\(s.delta1)"), ("delta2", "\(s.delta2)"), ("uiso", s.displacements.summary),
                       ("rmin", "\(s.rmin)"), ("rmax", "\(s.rmax)"), ("rstep", "\(s.rstep)"),
                       ("lorch", "\(s.lorch)"), ("debye_sum", calc.effectiveMode.rawValue)]
            if let h = calc.histogram { header += [("binwidth", "\(s.binWidth)"), ("pair_counting", h.method.rawValue)] }
            if function == .gr {
                curve = calc.pairDistributionFunction(partials: partials)
                header.append(("definition", "G(r) = (2/pi) integral_qmin^qmax F(Q) sin(Qr) dQ * exp(-(qdamp r)^2/2), finite cluster (no -4 pi rho0 r term)"))
                (xLabel, yLabel, title) = ("r (Å)", "G (Å⁻²)", "G(r) of \(formula)")
            } else {
                var c = calc.radialDistribution()
                for p in partials { c.columns.append(calc.radialDistribution(partial: p).y); c.labels.append("R_\(p)(A^-1)") }
                curve = c
                header.append(("definition", "R(r) = (1/N) sum_{i!=j} w_ij Gauss(r - r_ij, sigma_ij), w_ij = f_i(0) f_j(0)/<f(0)>^2"))
                (xLabel, yLabel, title) = ("r (Å)", "R (Å⁻¹)", "R(r) of \(formula)")
            }
        case .fq, .sq, .iq:
            header += [("qmax", "\(s.qmax)"), ("qstep", "\(s.qstep)"), ("qbroad", "\(s.qbroad)"),
                       ("delta1", "\(s.delta1)"), ("delta2", "\(s.delta2)"), ("uiso", s.displacements.summary),
                       ("debye_sum", calc.effectiveMode.rawValue)]
            if let h = calc.histogram { header += [("binwidth", "\(s.binWidth)"), ("pair_counting", h.method.rawValue)] }
            if function == .fq {
                var c = calc.reducedStructureFunction()
                for p in partials { c.columns.append(calc.reducedStructureFunction(partial: p).y); c.labels.append("F_\(p)(A^-1)") }
                curve = c
                header.append(("definition", "F(Q) = Q[S(Q) - 1], S(Q) = I(Q)/(N<f>^2) - (<f^2> - <f>^2)/<f>^2"))
                (xLabel, yLabel, title) = ("Q (Å⁻¹)", "F (Å⁻¹)", "F(Q) of \(formula)")
            } else {
                let (sq, iq) = calc.structureFactorAndIntensity()
                var c = function == .sq ? sq : iq
                for p in partials {
                    let part = calc.partialStructureFactorAndIntensity(p)
                    c.columns.append(function == .sq ? part.s : part.i)
                    c.labels.append(function == .sq ? "S_\(p)" : "I_\(p)")
                }
                curve = c
                if !partials.isEmpty { header.append(("partials", function == .sq ? "S_ab(Q) = F_ab(Q)/Q: pair terms only (sum over pairs = S(Q) - 1)" : "I_ab(Q): pair terms only (sum over pairs = I(Q) - sum_i occ_i f_i^2)")) }
                header.append(("definition", function == .sq ? "S(Q) = I(Q)/(N<f>^2) - (<f^2> - <f>^2)/<f>^2" : "I(Q) = sum_i sum_j f_i f_j exp(-Q^2 s2_ij/2) sin(Q r_ij)/(Q r_ij)"))
                (xLabel, yLabel, title) = ("Q (Å⁻¹)", function == .sq ? "S" : "I", "\(function == .sq ? "S" : "I")(Q) of \(formula)")
            }
        case .xrd:
            let p = powder
            curve = try PowderPattern.compute(calculator: calc, powder: p)
            header += p.headerLines(radiation: s.radiation) + [("uiso", s.displacements.summary), ("debye_sum", calc.effectiveMode.rawValue)]
            (xLabel, yLabel, title) = ("2θ (degrees)", "I (a.u.)", "Powder pattern of \(formula), λ = \(p.wavelength) Å")
        }
        var intensity: (Curve, [(String, String)])?
        if alsoIntensity {
            let dropped: Set<String> = ["function", "definition", "rmin", "rmax", "rstep"]
            intensity = (calc.structureFactorAndIntensity().i, header.filter { !dropped.contains($0.0) } + [("function", "iq"), ("qstep", "\(s.qstep)")])
        }
        var figure = Simulation.plot(curve, title: title, xLabel: xLabel, yLabel: yLabel)
        figure.subtitle = Simulation.settingsLine(header)
        return Output(curve: curve, header: header, plot: figure, intensity: intensity, warnings: calc.warnings)
    }

    /// The periodic G(r) of a crystal (times its envelope).
    func periodic(_ crystal: Crystal) throws -> Output {
        guard function == .gr, !alsoIntensity, partials.isEmpty else {
            throw SettingsError.invalid("a periodic crystal gives G(r) only (--function gr, no partials or I(Q)); carve a finite cluster with 'clusterpdf build sphere' for the other functions")
        }
        let s = settings
        let curve = try PeriodicPDFCalculator(crystal: crystal, settings: s, envelope: envelope).pdf()
        let header: [(String, String)] = [
            ("program", "ClusterPDF \(ClusterPDFVersion.string)"), ("structure", path), ("formula", crystal.formula),
            ("atoms_per_cell", "\(crystal.unitCell().count)"), ("space_group", crystal.spaceGroupName ?? "P1"), ("function", "gr"),
            ("radiation", s.radiation == .xray ? "xray (Waasmaier-Kirfel 1995 form factors at Q = 0)" : "neutron (coherent scattering lengths b_c)"),
            ("qmin", "\(s.qmin)"), ("qmax", "\(s.qmax)"), ("qdamp", "\(s.qdamp)"), ("qbroad", "\(s.qbroad)"),
            ("delta1", "\(s.delta1)"), ("delta2", "\(s.delta2)"),
            ("uiso", crystal.sites.map { site in
                let u = s.displacements.perElement[site.element] ?? s.displacements.all ?? site.uiso ?? site.uCIF?.uEquivalent ?? s.displacements.fallback
                return "\(site.label):\(u)\(site.uCIF != nil && s.displacements.perElement[site.element] == nil && s.displacements.all == nil ? " (anisotropic)" : "")"
            }.joined(separator: ", ")),
            ("envelope", envelope.summary),
            ("rmin", "\(s.rmin)"), ("rmax", "\(s.rmax)"), ("rstep", "\(s.rstep)"),
            ("definition", "G(r) = [1/(N<f>^2) sum_ij f_i f_j Gauss(r - r_ij, s_ij)/r_ij - 4 pi rho0 r], band-limited to [qmin, qmax], * exp(-(qdamp r)^2/2) * envelope(r) (periodic crystal, as PDFgui/diffpy.srreal PDFCalculator)"),
        ]
        var figure = Simulation.plot(curve, title: "G(r) of \(crystal.formula) crystal", xLabel: "r (Å)", yLabel: "G (Å⁻²)")
        figure.subtitle = Simulation.settingsLine(header)
        return Output(curve: curve, header: header, plot: figure, intensity: nil, warnings: [])
    }

    /// The settings a figure states under its title, from the file header: Q range, damping,
    /// displacements, δ2, envelope, radiation, wavelength.
    static func settingsLine(_ header: [(String, String)]) -> String {
        let h = Dictionary(header, uniquingKeysWith: { a, _ in a })
        var parts = [String]()
        if let a = h["qmin"], let b = h["qmax"] { parts.append("Q \(a)–\(b) Å⁻¹") }
        if let q = h["qdamp"] { parts.append("qdamp \(q) Å⁻¹") }
        if let u = h["uiso"] { parts.append("Uiso \(u.count > 60 ? String(u.prefix(58)) + "…" : u) Å²") }
        if let d = h["delta2"], d != "0.0" { parts.append("δ2 \(d) Å²") }
        if let e = h["envelope"], !e.hasPrefix("none") { parts.append("envelope \(e)") }
        if let r = h["radiation"] { parts.append(r.hasPrefix("neutron") ? "neutrons" : "X-rays") }
        if let w = h["wavelength"] { parts.append("λ \(w) Å") }
        return parts.joined(separator: " · ")
    }

    /// The figure of a computed curve (one series per column).
    static func plot(_ curve: Curve, title: String, xLabel: String, yLabel: String) -> SVGPlot {
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
        let series = curve.columns.enumerated().map { i, col in
            SVGPlot.Series(x: curve.x, y: col, label: curve.labels[i + 1], color: colors[i % colors.count])
        }
        return SVGPlot(title: title, xLabel: xLabel, yLabel: yLabel, series: series)
    }
}
