// tests/server/pg_fixture_test.cc: the cases tests' temp dirs and throw-away PostgreSQL server,
// compiled into the server tests too, so that the server suite runs on both backends.
#include "../cases/backends_test.cc"
