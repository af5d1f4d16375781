package ledger

// RefMTH exposes the tests' reference Merkle Tree Hash (tree_test.go) to the external tests.
var RefMTH = refMTH
