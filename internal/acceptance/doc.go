// Package acceptance holds the hub's cross-cutting scenario tests: the authorisation matrices
// (reads, writes, filters) and the attacks a hostile department system, a low role or a reader
// of the database would try. Each test serves the demo data with its sample year on a fresh
// database — SQLite, or PostgreSQL when SSGK_TEST_POSTGRES is set — through the real HTTP
// handler, as a department system would call it.
package acceptance
