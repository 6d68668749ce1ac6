#include <lapacke.h>

// lapacke.h defines lapack_int as a macro, which Swift cannot import by name.
// A typedef gives the Numerics module a type to spell.
typedef lapack_int geospike_lapack_int;
