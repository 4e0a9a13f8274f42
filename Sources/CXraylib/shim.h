// xraylib (Debian: libxrl-dev; Schoonjans et al., Spectrochim. Acta B 66 (2011) 776): anomalous
// scattering factors f′ (Fi) and f″ (Fii) by element and photon energy.
#include <xraylib/xraylib.h>
