// Whether everything written to the C standard output stream (which Swift's print uses) reached
// it: flushes stdout and reports a write error (EPIPE from a closed pipe, ENOSPC on a full disk).
#include <stdio.h>
static inline int clusterpdf_stdout_failed(void) { return fflush(stdout) != 0 || ferror(stdout) != 0; }
