// FFTW 3 (Debian: libfftw3-dev), double precision: the discrete sine transforms of periodic PDFs.
#include <fftw3.h>
