package memstore_test

import (
	"testing"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/adapters/storetest"
	"github.com/kaiketsu/kaiketsu/core"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}

// TestShared runs the multi-instance tests with every "instance" being the
// same object: memstore shares nothing across processes, but this checks its
// locking under the same concurrent claims, and Close keeps the data.
func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) storetest.Opener {
		s := memstore.New()
		return func() (core.Store, error) { return s, nil }
	})
}
