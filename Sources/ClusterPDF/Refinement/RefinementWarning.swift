/// Something about a refinement's result that the user must know before trusting it. Printed
/// under the parameter table, written to `--json` (`"warnings"`), fit files and reports.
public struct RefinementWarning: Codable, Sendable, Hashable, CustomStringConvertible {
    /// What kind of limit the result is at.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A free parameter ended on one of its bounds.
        case atBound
        /// The covariance matrix is singular or nearly so: some parameters are not determined.
        case nearSingular
        /// Two free parameters are almost completely correlated (|ρ| > 0.995).
        case strongCorrelation
        /// A fixed scale lies far (more than 2×) from the least-squares value.
        case scaleFarFromClosedForm
        /// Fewer independent data points (Nyquist) than twice the free parameters.
        case fewIndependentPoints
        /// The model does not resemble the data at all (no positive correlation).
        case noAgreement
        /// A material share of the curve lies outside the Q range of the models (`BandLimitCheck`).
        case outsideQRange
        /// The stated Q range contradicts the curve's spectrum, or a default Q range was assumed
        /// (`DataSettings.qRangeWarnings`).
        case qRangeMismatch
        /// Part of an ensemble's size distribution lies beyond the largest particle modelled.
        case ensembleTruncated
    }
    /// The kind.
    public var kind: Kind
    /// The parameter concerned, if one.
    public var parameter: ParameterName?
    /// The sentence printed for the user.
    public var message: String

    /// A warning.
    public init(_ kind: Kind, parameter: ParameterName? = nil, _ message: String) {
        self.kind = kind; self.parameter = parameter; self.message = message
    }

    /// The message.
    public var description: String { message }
}
