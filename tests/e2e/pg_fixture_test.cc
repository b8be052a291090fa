// tests/e2e/pg_fixture_test.cc: the cases tests' temp dirs and throw-away PostgreSQL server,
// compiled into the end-to-end tests too, so that the crash and browser tests run on both
// backends.
#include "../cases/backends_test.cc"
