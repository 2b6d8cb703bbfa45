package core

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type evalCase struct{ lang, expect, text string }

func loadEval(t testing.TB, path string) []evalCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evalCase
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			continue
		}
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			t.Fatalf("%s: bad line %q", path, line)
		}
		out = append(out, evalCase{parts[0], parts[1], parts[2]})
	}
	return out
}

// TestDiagnosisEvaluation measures diagnosis on phrasings written
// independently of the playbook: top-1 accuracy on in-scope ones and the
// share of out-of-scope ones that get no topic.
func TestDiagnosisEvaluation(t *testing.T) {
	kb := mustDefaultKB(t)
	cases := loadEval(t, "testdata/eval/diagnosis.tsv")
	if len(cases) < 150 {
		t.Fatalf("evaluation set has %d phrasings, want at least 150", len(cases))
	}
	var in, inOK, out, outOK int
	for _, c := range cases {
		ms := kb.Diagnose(c.text)
		got := "none"
		if len(ms) > 0 {
			got = ms[0].Topic.ID
		}
		if c.expect == "none" {
			out++
			if got == "none" {
				outOK++
			} else if testing.Verbose() {
				t.Logf("out of scope, got %s (%.2f): %s", got, ms[0].Score, c.text)
			}
			continue
		}
		in++
		if got == c.expect {
			inOK++
		} else if testing.Verbose() {
			t.Logf("want %s, got %s: %s", c.expect, got, c.text)
		}
	}
	top1 := float64(inOK) / float64(in)
	none := float64(outOK) / float64(out)
	t.Logf("in scope: top-1 %d/%d = %.1f%%; out of scope: none %d/%d = %.1f%%", inOK, in, 100*top1, outOK, out, 100*none)
	if top1 < 0.95 {
		t.Errorf("top-1 accuracy %.1f%% is below the 95%% target", 100*top1)
	}
	if none < 0.90 {
		t.Errorf("out-of-scope rejection %.1f%% is below the 90%% target", 100*none)
	}
}
