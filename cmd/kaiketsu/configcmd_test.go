package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheck: --check reports what serve would refuse or serve
// oddly: bad variables, team playbooks that do not load, and a default
// language no playbook is written in.
func TestConfigCheck(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.yaml"), []byte("id: x\nfoo: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // "" for ok
	}{
		{"defaults", nil, ""},
		{"japanese", map[string]string{"KAIKETSU_DEFAULT_LANG": "ja"}, ""},
		{"bad rate", map[string]string{"KAIKETSU_RATE_LIMIT": "lots"}, "KAIKETSU_RATE_LIMIT:"},
		{"language no playbook speaks", map[string]string{"KAIKETSU_DEFAULT_LANG": "fr"}, "KAIKETSU_DEFAULT_LANG: no playbook is written in this language; use one of"},
		{"missing playbook directory", map[string]string{"KAIKETSU_KB_DIR": filepath.Join(bad, "nope")}, "KAIKETSU_KB_DIR: playbook directory"},
		{"broken playbook", map[string]string{"KAIKETSU_KB_DIR": bad}, "x.yaml:2: foo: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCLI(t, "", tt.env, "config", "--check")
			if tt.want == "" {
				if err != nil || strings.TrimSpace(stdout) != "ok" {
					t.Fatalf("config --check = %v, stdout %q, stderr %q; want ok", err, stdout, stderr)
				}
				return
			}
			wantExit(t, err, 1)
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.want)
			}
		})
	}
}
