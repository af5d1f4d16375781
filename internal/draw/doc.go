// Package draw is the pure kernel of the verifiable draw (随机抽取, design.md §4): it freezes
// the frame, commits to it, derives the seed from the commitment, the server secret and the
// witnesses' external entropy, draws the targets of every stratum and the inspectors of every
// target, applies recusals and replacements, and verifies a published bundle offline.
//
// Nothing here touches a database, the clock or a random generator: the same inputs always give
// the same outputs, byte for byte. The exact algorithm, with test vectors, is specified in
// docs/draw-algorithm.md so that anyone can re-implement it; testdata/reimpl.py is such an
// independent re-implementation in Python.
package draw

// Algorithm is the version tag of the algorithm implemented here. It is part of every leaf, of
// the commitment and of the seed, so that a future change of any rule cannot be confused with
// this one.
const Algorithm = "ssgk-draw/v1"
