// spglib (Debian: libsymspg-dev): space-group identification and the space-group database.
#include <spglib.h>
