// OpenBLAS's CBLAS interface. pkg-config "openblas" points the include path at
// Debian's openblas-pthread directory, so this picks OpenBLAS's cblas.h rather than
// whichever reference BLAS the alternatives system selected.
#include <cblas.h>
