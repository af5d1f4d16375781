// Package acceptance holds the hub's cross-cutting scenario tests: the authorisation matrices
// (reads, writes, filters), the sharing scenarios (grants, access logs, the credit centre, owners
// that change, public paths that must carry no restricted value), the years of the regime, and
// the attacks a hostile department system, a low role or a reader of the database would try.
// Each test serves the demo data with its sample year on a fresh database — SQLite, or
// PostgreSQL when SSGK_TEST_POSTGRES is set — through the real HTTP handler, as a department
// system would call it; the year from plan to correction starts from the demo data without its
// sample year. No test here runs the ssgk command: its checks are the library calls the command
// makes (draw.Verify, audit.Verify), and cmd/ssgk tests the command itself.
package acceptance
