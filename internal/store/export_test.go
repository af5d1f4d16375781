package store

// PreparedPerConn is preparedPerConn, for the tests of package store_test.
const PreparedPerConn = preparedPerConn
