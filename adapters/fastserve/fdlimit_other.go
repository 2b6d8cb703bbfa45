//go:build !unix

package fastserve

// openFileLimit is unknown here.
func openFileLimit() int { return 0 }
