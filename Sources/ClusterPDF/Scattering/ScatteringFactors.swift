import Foundation

/// Five-Gaussian X-ray form-factor coefficients (Waasmaier & Kirfel 1995).
struct WaasmaierKirfelCoefficients: Sendable {
    let a: (Double, Double, Double, Double, Double)
    let b: (Double, Double, Double, Double, Double)
    let c: Double

    /// f0 at scattering vector magnitude Q (Å⁻¹): c + Σ a_i exp(−b_i (Q/4π)²).
    @inline(__always) func value(q: Double) -> Double {
        let s2 = (q / (4 * Double.pi)) * (q / (4 * Double.pi))
        return c + a.0 * exp(-b.0 * s2) + a.1 * exp(-b.1 * s2) + a.2 * exp(-b.2 * s2) + a.3 * exp(-b.3 * s2) + a.4 * exp(-b.4 * s2)
    }
}

/// The probe: X-rays (Q-dependent form factors, electrons) or neutrons (constant b_c, fm).
public enum Radiation: String, Sendable, Codable, CaseIterable {
    case xray
    case neutron
}

/// Scattering-factor errors.
public enum ScatteringFactorError: Error, CustomStringConvertible, Equatable {
    case noNeutronLength(String)
    case noFormFactor(String)
    /// The message printed for the user.
    public var description: String {
        switch self {
        case .noNeutronLength(let s): return "no neutron coherent scattering length is tabulated for \(s)"
        case .noFormFactor(let s): return "no X-ray form factor is tabulated for \(s)"
        }
    }
}

/// The scattering weight of one atom type for a radiation.
public struct ScatteringFactor: Sendable {
    /// Symbol of the scatterer ("Cd", "Cd2+").
    public let symbol: String
    /// Radiation the factor is for.
    public let radiation: Radiation
    /// Set when an ion was not tabulated and the neutral atom is used instead.
    public let fellBackToNeutral: Bool
    private let wk: WaasmaierKirfelCoefficients?
    private let length: Double
    /// Anomalous f′ (electrons), added to f₀(Q) by `value(q:)`; 0 without dispersion corrections.
    public let fPrime: Double
    /// Anomalous f″ (electrons), the imaginary part of f; 0 without dispersion corrections.
    public let imaginary: Double

    /// The factor for an atom type such as "Cd", "Cd2+" or "Se2-". X-ray ions missing from the
    /// Waasmaier–Kirfel table fall back to the neutral atom (`fellBackToNeutral`); neutrons ignore
    /// charge. `dispersion` adds f′ and f″ of the element (X-rays only; ignored for neutrons).
    public init(element: Element, charge: Int = 0, radiation: Radiation, dispersion: AnomalousDispersion? = nil) throws {
        self.radiation = radiation
        if radiation == .xray, let d = dispersion { (fPrime, imaginary) = try d.correction(for: element) } else { (fPrime, imaginary) = (0, 0) }
        // X-ray tables are per chemical element: deuterium scatters X-rays as H.
        let ion = charge == 0 ? element.chemicalSymbol : "\(element.chemicalSymbol)\(abs(charge))\(charge > 0 ? "+" : "-")"
        symbol = ion
        switch radiation {
        case .neutron:
            guard let b = element.neutronScatteringLength else { throw ScatteringFactorError.noNeutronLength(element.symbol) }
            length = b; wk = nil; fellBackToNeutral = false
        case .xray:
            length = 0
            if let c = waasmaierKirfelTable[ion] { wk = c; fellBackToNeutral = false } else if let c = waasmaierKirfelTable[element.chemicalSymbol] {
                wk = c; fellBackToNeutral = charge != 0
            } else { throw ScatteringFactorError.noFormFactor(ion) }
        }
    }

    /// Re f(Q) = f₀(Q) + f′: electrons for X-rays, fm for neutrons. Q in Å⁻¹.
    @inline(__always) public func value(q: Double) -> Double {
        (wk?.value(q: q) ?? length) + fPrime
    }
}
