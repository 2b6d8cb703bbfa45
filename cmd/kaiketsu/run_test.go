package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// cleanEnv unsets every variable Kaiketsu reads for the test's duration, so
// that the developer's own settings do not leak in (envconfig treats a
// variable set to "" as set).
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		for _, p := range []string{"KAIKETSU_", "SLACK_", "DISCORD_"} {
			if strings.HasPrefix(k, p) {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
		}
	}
}

// runCLI runs the command line as main does, with a clean environment plus
// env.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cleanEnv(t)
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func wantExit(t *testing.T, err error, code int) {
	t.Helper()
	var ec exitCode
	if !errors.As(err, &ec) || int(ec) != code {
		t.Errorf("run returned %v, want exit status %d", err, code)
	}
}

// TestUsageErrors: unknown subcommands and flags, and missing or extra
// arguments, print usage and exit 2.
func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{},
		{"frobnicate"},
		{"--verbose"},
		{"chat", "--bogus"},
		{"chat", "extra", "words"},
		{"diagnose"},
		{"diagnose", "--nope", "x"},
		{"diagnose", "--json"},
		{"kb"},
		{"kb", "frob"},
		{"kb", "list", "--x"},
		{"kb", "validate", "a", "b"},
		{"kb", "validate", "--strict", "."},
	}
	for _, args := range tests {
		stdout, stderr, err := runCLI(t, "", nil, args...)
		wantExit(t, err, 2)
		if !strings.Contains(stderr, "Usage: kaiketsu") {
			t.Errorf("kaiketsu %q: stderr %q has no usage", args, stderr)
		}
		if stdout != "" {
			t.Errorf("kaiketsu %q wrote to stdout: %q", args, stdout)
		}
	}
	for _, args := range [][]string{{"chat", "--lang", "Japanese"}, {"diagnose", "--lang", "JA", "x"}} {
		_, stderr, err := runCLI(t, "", nil, args...)
		wantExit(t, err, 2)
		if !strings.Contains(stderr, "--lang") {
			t.Errorf("kaiketsu %q: stderr %q does not say what is wrong", args, stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	stdout, _, err := runCLI(t, "", nil, "help")
	if err != nil || !strings.Contains(stdout, "Usage: kaiketsu COMMAND") {
		t.Errorf("help: %v, %q", err, stdout)
	}
	for _, args := range [][]string{{"chat", "-h"}, {"diagnose", "--help"}, {"kb", "list", "-h"}} {
		stdout, stderr, err := runCLI(t, "I forgot my password\n", nil, args...)
		wantExit(t, err, 0)
		if !strings.Contains(stderr, "Usage: kaiketsu") || stdout != "" {
			t.Errorf("kaiketsu %q: printed %q on stdout and %q on stderr; want usage only", args, stdout, stderr)
		}
	}
}

// TestMainExitStatus runs the real main in a child process: exit statuses
// come from run's exitCode without a second message.
func TestMainExitStatus(t *testing.T) {
	if os.Getenv("GO_TEST_KAIKETSU_MAIN") == "1" {
		os.Args = append([]string{"kaiketsu"}, strings.Split(os.Getenv("GO_TEST_KAIKETSU_ARGS"), "\x1f")...)
		main()
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cleanEnv(t)
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"chat", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"kb", "validate", "../../core/testdata/bad"}, 1, "cycle.yaml:11:"},
		{[]string{"kb", "validate", "../../core/testdata/good"}, 0, ""},
		{[]string{"chat", "-h"}, 0, "Usage: kaiketsu chat"},
		{[]string{"chat", "--playbook", "nope"}, 1, `kaiketsu: playbook "nope" is not loaded`},
	}
	for _, tt := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainExitStatus$")
		cmd.Env = append(os.Environ(), "GO_TEST_KAIKETSU_MAIN=1", "GO_TEST_KAIKETSU_ARGS="+strings.Join(tt.args, "\x1f"))
		var errb bytes.Buffer
		cmd.Stderr = &errb
		cmd.Stdin = strings.NewReader("")
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code {
			t.Errorf("kaiketsu %q: exit status %d, want %d; stderr:\n%s", tt.args, code, tt.code, errb.String())
		}
		if !strings.Contains(errb.String(), tt.stderr) {
			t.Errorf("kaiketsu %q: stderr %q, want it to contain %q", tt.args, errb.String(), tt.stderr)
		}
		if strings.Contains(errb.String(), "exit status") {
			t.Errorf("kaiketsu %q: stderr repeats the exit status: %q", tt.args, errb.String())
		}
	}
}
