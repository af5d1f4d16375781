package library

// SetLargeImportRows lowers the size from which an import counts as large, for tests; the
// returned function restores it.
func SetLargeImportRows(n int) (restore func()) {
	prev := largeImportRows
	largeImportRows = n
	return func() { largeImportRows = prev }
}

// OnSchemaDeferred installs fn to be called with the names of what a large import drops; the
// returned function removes it.
func OnSchemaDeferred(fn func(names []string)) (restore func()) {
	prev := testHookSchemaDeferred
	testHookSchemaDeferred = fn
	return func() { testHookSchemaDeferred = prev }
}
