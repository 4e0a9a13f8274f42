import Foundation

/// Where a setting's value came from.
public enum SettingSource: String, Codable, Sendable, Hashable {
    /// Given explicitly (a command-line option or the Swift API).
    case option
    /// Read from the data file's header (`qdamp = 0.06`, `mode = neutron`, …).
    case header
    /// ClusterPDF's default (`Defaults`).
    case `default`
    /// Taken from the data points themselves (the Q range of reciprocal-space data).
    case data
    /// Estimated from the curve's own spectrum (`QRangeEstimate`): the Q range of a G(r) whose
    /// header does not state it.
    case estimated
}

/// A setting's value with its provenance.
public struct Resolved<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The value used.
    public var value: Value
    /// Where it came from.
    public var source: SettingSource
    /// A value with its source.
    public init(_ value: Value, _ source: SettingSource) { self.value = value; self.source = source }
}

/// Explicit settings that override the data header and the defaults. nil leaves the choice to
/// the header, then to `Defaults`.
public struct SettingOverrides: Sendable, Hashable {
    /// Fit range start (Å).
    public var rmin: Double?
    /// Fit range end (Å).
    public var rmax: Double?
    /// Lower end of the Q range of the model's G(r) transform (Å⁻¹).
    public var qmin: Double?
    /// Upper end of the Q range (Å⁻¹).
    public var qmax: Double?
    /// Instrumental damping qdamp (Å⁻¹); its starting value when refined.
    public var qdamp: Double?
    /// Instrumental broadening qbroad (Å⁻¹); its starting value when refined.
    public var qbroad: Double?
    /// Radiation of the measurement.
    public var radiation: Radiation?
    /// No overrides: everything from the header or the defaults.
    public init(rmin: Double? = nil, rmax: Double? = nil, qmin: Double? = nil, qmax: Double? = nil,
                qdamp: Double? = nil, qbroad: Double? = nil, radiation: Radiation? = nil) {
        self.rmin = rmin; self.rmax = rmax; self.qmin = qmin; self.qmax = qmax
        self.qdamp = qdamp; self.qbroad = qbroad; self.radiation = radiation
    }
}

/// The settings of one measured curve, resolved once for `fit`, `classify`, `batch` and the Swift
/// API alike: an explicit override first, then the data header (`qmin`, `qmax`, `qdamp`,
/// `qbroad`, `mode`/`stype`, `composition`), then `Defaults`. Each value records its source.
public struct DataSettings: Codable, Sendable, Hashable {
    /// Fit range start (Å), clipped to the data.
    public var rmin: Resolved<Double>
    /// Fit range end (Å), clipped to the data.
    public var rmax: Resolved<Double>
    /// Q range of the model's G(r) transform (Å⁻¹).
    public var qmin: Resolved<Double>
    /// Upper end of the Q range (Å⁻¹).
    public var qmax: Resolved<Double>
    /// Instrumental damping (Å⁻¹).
    public var qdamp: Resolved<Double>
    /// Instrumental broadening (Å⁻¹).
    public var qbroad: Resolved<Double>
    /// Radiation.
    public var radiation: Resolved<Radiation>
    /// Elements named by the header's `composition`, if any (ligand atoms stripped).
    public var composition: [String]?
    /// The Q range the curve's spectrum implies, with its uncertainties (nil when not worked out
    /// or when the spectrum shows no band edge).
    public var spectralQRange: QRangeEstimate?

    /// Resolves the settings of `curve`; throws `RefinementError` naming the option or the
    /// header item that is out of range. `fitRange` is the default fit range (clusters:
    /// `Defaults.fitRange`; crystals: `Defaults.crystalFitRange`), clipped to the data.
    public static func resolve(_ curve: MeasuredCurve, overrides o: SettingOverrides = SettingOverrides(),
                               fitRange: ClosedRange<Double> = Defaults.fitRange) throws -> DataSettings {
        func pick(_ flag: Double?, _ key: String, _ fallback: Double) -> Resolved<Double> {
            if let v = flag { return Resolved(v, .option) }
            if let v = curve.headerNumber(key) { return Resolved(v, .header) }
            return Resolved(fallback, .default)
        }
        // The spectrum is read when a Q limit is missing from options and header, and whenever the
        // curve already carries its estimate (read from a file) so that a contradicting header can be warned of.
        let qGiven = (o.qmin ?? curve.headerNumber("qmin")) != nil && (o.qmax ?? curve.headerNumber("qmax")) != nil
        let spectral = curve.spectrumRead ? curve.spectralQRange : (qGiven ? nil : QRangeEstimate.estimate(r: curve.x, g: curve.y))
        var qmin = pick(o.qmin, "qmin", Defaults.qmin), qmax = pick(o.qmax, "qmax", Defaults.qmax)
        if let e = spectral {
            if qmax.source == .default { qmax = Resolved(e.qmax, .estimated) }
            if qmin.source == .default, e.qmin < qmax.value { qmin = Resolved(e.qmin, .estimated) }
        }
        let radiation: Resolved<Radiation>
        if let r = o.radiation { radiation = Resolved(r, .option) } else if let r = try headerRadiation(curve) {
            radiation = Resolved(r, .header)
        } else { radiation = Resolved(Defaults.radiation, .default) }
        let first = curve.x.first ?? 0, last = curve.x.last ?? 0
        let rmin = o.rmin.map { Resolved($0, .option) } ?? Resolved(max(fitRange.lowerBound, first), .default)
        let rmax = o.rmax.map { Resolved($0, .option) } ?? Resolved(min(fitRange.upperBound, last), .default)
        let s = DataSettings(rmin: rmin, rmax: rmax, qmin: qmin, qmax: qmax,
                             qdamp: pick(o.qdamp, "qdamp", Defaults.measuredQdamp), qbroad: pick(o.qbroad, "qbroad", Defaults.measuredQbroad),
                             radiation: radiation, composition: curve.header["composition"].flatMap(Composition.elements(in:))?.map(\.symbol),
                             spectralQRange: spectral)
        try s.validate(curve)
        return s
    }

    /// The radiation named by a `mode = xray|neutron` (PDFgetX3) or `stype = X|N` (PDFgui) header line.
    static func headerRadiation(_ curve: MeasuredCurve) throws -> Radiation? {
        if let m = curve.header["mode"]?.lowercased().split(separator: " ").first {
            switch m {
            case "xray", "x-ray", "x": return .xray
            case "neutron", "n", "sns", "tof": return .neutron
            default: throw InputError(file: curve.path, "header 'mode = \(m)': ClusterPDF models X-ray or neutron data (mode = xray or neutron)")
            }
        }
        if let t = curve.header["stype"]?.uppercased().first { return t == "N" ? .neutron : .xray }
        return nil
    }

    func validate(_ curve: MeasuredCurve) throws {
        func origin<T>(_ r: Resolved<T>, _ option: String) -> String {
            r.source == .header ? "\(curve.path): header '\(option.dropFirst(2))'" : option
        }
        for (r, name) in [(qmin, "--qmin"), (qmax, "--qmax"), (qdamp, "--qdamp"), (qbroad, "--qbroad"), (rmin, "--rmin"), (rmax, "--rmax")] {
            guard r.value.isFinite else { throw RefinementError.invalidSetting(option: origin(r, name), message: "must be a finite number") }
        }
        guard qmin.value >= 0 else { throw RefinementError.invalidSetting(option: origin(qmin, "--qmin"), message: "must be ≥ 0, got \(qmin.value)") }
        guard qmax.value > qmin.value, qmax.value <= 100 else {
            throw RefinementError.invalidSetting(option: origin(qmax, "--qmax"), message: "must lie above qmin (\(qmin.value)) and at most 100 Å⁻¹, got \(qmax.value)")
        }
        for (r, name) in [(qdamp, "--qdamp"), (qbroad, "--qbroad")] where !(0...0.5).contains(r.value) {
            throw RefinementError.invalidSetting(option: origin(r, name), message: "must lie in 0…0.5 Å⁻¹, got \(r.value)")
        }
        guard rmax.value > rmin.value else {
            throw RefinementError.invalidSetting(option: "\(curve.path): --rmin/--rmax", message: "empty fit range: rmin \(rmin.value) ≥ rmax \(rmax.value) Å (the data cover \(curve.x.first ?? 0)…\(curve.x.last ?? 0) Å)")
        }
    }

    /// Warnings about the Q range: a stated qmax (header or option) that the curve's spectrum
    /// contradicts (its band ends more than 3σ + 0.5 Å⁻¹ away; the stated value is still used,
    /// the data reduction is never fitted), or a default Q range used because neither the header
    /// nor the spectrum gives one.
    public func qRangeWarnings(file: String) -> [RefinementWarning] {
        var out = [RefinementWarning]()
        if let e = spectralQRange, qmax.source == .header || qmax.source == .option,
           abs(qmax.value - e.qmax) > 3 * e.qmaxUncertainty + 0.5 {
            let origin = qmax.source == .header ? "its header says qmax = \(qmax.value)" : "--qmax \(qmax.value) was given"
            out.append(RefinementWarning(.qRangeMismatch, String(format: "%@: %@ Å⁻¹, but the curve's spectrum ends at %.1f ± %.1f Å⁻¹; the stated value is used (check the reduction's qmax)",
                                                              file, origin, e.qmax, e.qmaxUncertainty)))
        }
        for (r, key) in [(qmin, "qmin"), (qmax, "qmax")] where r.source == .default {
            out.append(RefinementWarning(.qRangeMismatch, "\(file): no \(key) in the header and none visible in the curve's spectrum: the default \(key) = \(r.value) Å⁻¹ is assumed (give --\(key))"))
        }
        return out
    }

    /// The settings as `key = value (source)` lines for output headers.
    public var summary: [(String, String)] {
        func f(_ r: Resolved<Double>, _ u: Double? = nil) -> String {
            guard r.source == .estimated, let u else { return "\(r.value) (\(r.source.rawValue))" }
            return String(format: "%.2f ± %.2f (estimated)", r.value, u)
        }
        return [("rmin", f(rmin)), ("rmax", f(rmax)), ("qmin", f(qmin, spectralQRange?.qminUncertainty)),
                ("qmax", f(qmax, spectralQRange?.qmaxUncertainty)), ("qdamp", f(qdamp)),
                ("qbroad", f(qbroad)), ("radiation", "\(radiation.value.rawValue) (\(radiation.source.rawValue))")]
    }
}
