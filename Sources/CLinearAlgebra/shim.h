// Prototypes of the reference BLAS/LAPACK routines ClusterPDF calls (Fortran ABI:
// every argument by pointer, trailing underscore). Provided on Debian by
// libblas-dev and liblapack-dev (or any drop-in such as OpenBLAS).
#ifndef CLUSTERPDF_LINEAR_ALGEBRA_SHIM_H
#define CLUSTERPDF_LINEAR_ALGEBRA_SHIM_H

void dgemv_(const char *trans, const int *m, const int *n, const double *alpha,
            const double *a, const int *lda, const double *x, const int *incx,
            const double *beta, double *y, const int *incy);

void dgemm_(const char *transa, const char *transb, const int *m, const int *n,
            const int *k, const double *alpha, const double *a, const int *lda,
            const double *b, const int *ldb, const double *beta, double *c,
            const int *ldc);

void dgels_(const char *trans, const int *m, const int *n, const int *nrhs,
            double *a, const int *lda, double *b, const int *ldb, double *work,
            const int *lwork, int *info);

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);

void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info);

#endif
