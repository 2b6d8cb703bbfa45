package core_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreImportsNoPlatform keeps core platform-neutral: no adapter, no chat
// platform library, and none of the infrastructure the adapters wrap.
func TestCoreImportsNoPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed %d packages; is this the core directory?", len(deps))
	}
	forbidden := []string{
		"github.com/kaiketsu/kaiketsu/adapters/",
		"slack-go", "discordgo", "disgo",
		"prometheus", "jackc/pgx", "modernc.org/sqlite",
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if strings.Contains(d, f) {
				t.Errorf("core depends on %s", d)
			}
		}
	}
}
