package core

import (
	"bufio"
	"os"
	"slices"
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

// gatedEval are phrasings written independently of the playbook, by
// eight people who did not see its examples (diagnosis.tsv; holdout.tsv,
// blind.tsv and blind4-8.tsv, each written later without seeing the
// playbook or the sets before it). Diagnosis has been tuned on their
// misses since, so they guard against regressions at the targets; they no
// longer estimate accuracy on phrasings never seen.
var gatedEval = []string{"testdata/eval/diagnosis.tsv", "testdata/eval/holdout.tsv", "testdata/eval/blind.tsv", "testdata/eval/blind4.tsv", "testdata/eval/blind5.tsv", "testdata/eval/blind6.tsv", "testdata/eval/blind7.tsv", "testdata/eval/blind8.tsv"}

// laterEval are harder sets written the same way after those (busy-chat
// fragments, long stories, second-language English, voice input, an
// office help channel). Each was first run unseen (README has those
// figures) and informed a change after; together they guard at a lower
// bar than gatedEval's, as they were tuned on less.
var laterEval = []string{"testdata/eval/blind9.tsv", "testdata/eval/blind10.tsv", "testdata/eval/blind11.tsv", "testdata/eval/blind12.tsv", "testdata/eval/blind13.tsv", "testdata/eval/blind14.tsv", "testdata/eval/blind15.tsv", "testdata/eval/blind16.tsv", "testdata/eval/blind18.tsv"}

// TestDiagnosisEvaluation measures top-1 accuracy on in-scope phrasings
// and the share of out-of-scope ones that get no topic, on gatedEval
// (targets 95% and 90%) and laterEval (90% and 90%). Each file's figures
// are reported; the targets apply to each group together.
func TestDiagnosisEvaluation(t *testing.T) {
	kb := mustDefaultKB(t)
	groups := []struct {
		name          string
		files         []string
		minIn, minOut float64
	}{
		{"gated", gatedEval, 95, 90},
		{"later", laterEval, 90, 90},
	}
	if f := os.Getenv("KAIKETSU_EVAL"); f != "" {
		groups = groups[:1]
		groups[0].files = []string{f}
	}
	for _, g := range groups {
		var in, inOK, out, outOK int
		for _, file := range g.files {
			fin, finOK, fout, foutOK := evalFile(t, kb, file)
			t.Logf("%s: in scope: top-1 %d/%d = %.1f%%; out of scope: none %d/%d = %.1f%%",
				file, finOK, fin, pct(finOK, fin), foutOK, fout, pct(foutOK, fout))
			in, inOK, out, outOK = in+fin, inOK+finOK, out+fout, outOK+foutOK
		}
		if in+out < 150 {
			t.Fatalf("%s evaluation has %d phrasings, want at least 150", g.name, in+out)
		}
		t.Logf("%s together: in scope: top-1 %d/%d = %.1f%%; out of scope: none %d/%d = %.1f%%", g.name, inOK, in, pct(inOK, in), outOK, out, pct(outOK, out))
		if pct(inOK, in) < g.minIn {
			t.Errorf("%s: top-1 accuracy %.1f%% is below the %.0f%% target", g.name, pct(inOK, in), g.minIn)
		}
		if pct(outOK, out) < g.minOut {
			t.Errorf("%s: out-of-scope rejection %.1f%% is below the %.0f%% target", g.name, pct(outOK, out), g.minOut)
		}
	}
}

// unseenEval are sets written after the last change to diagnosis that no
// change has been tuned on yet: their figures are the honest estimate for
// phrasings never seen, so they are reported, not gated. The next change
// to diagnosis starts from their misses and then moves them into the
// gated files above.
var unseenEval = []string{"testdata/eval/blind17.tsv", "testdata/eval/blind19.tsv", "testdata/eval/blind20.tsv"}

// TestDiagnosisUnseen reports top-1 and "none" on the sets no change has
// seen (go test ./core -run Unseen -v).
func TestDiagnosisUnseen(t *testing.T) {
	if len(unseenEval) == 0 {
		t.Skip("every evaluation set has informed a change: none is unseen")
	}
	kb := mustDefaultKB(t)
	for _, file := range unseenEval {
		in, inOK, out, outOK := evalFile(t, kb, file)
		if in == 0 || out == 0 {
			t.Errorf("%s: %d in-scope and %d out-of-scope phrasings; an unseen set needs both", file, in, out)
		}
		t.Logf("%s (unseen): in scope: top-1 %d/%d = %.1f%%; out of scope: none %d/%d = %.1f%%",
			file, inOK, in, pct(inOK, in), outOK, out, pct(outOK, out))
	}
}

// evalFile diagnoses every phrasing of file (misses are logged with -v).
func evalFile(t *testing.T, kb *KB, file string) (in, inOK, out, outOK int) {
	t.Helper()
	return evalCount(kb, loadEval(t, file), func(c evalCase, got string, score float64) {
		if !testing.Verbose() {
			return
		}
		if c.expect == "none" {
			t.Logf("out of scope, got %s (%.2f): %s", got, score, c.text)
		} else {
			t.Logf("want %s, got %s: %s", c.expect, got, c.text)
		}
	})
}

// evalCount diagnoses cases: in-scope phrasings and how many got their
// topic first, out-of-scope ones and how many got none; miss, when set,
// hears of each of the others.
func evalCount(kb *KB, cases []evalCase, miss func(c evalCase, got string, score float64)) (in, inOK, out, outOK int) {
	for _, c := range cases {
		ms := kb.Diagnose(c.text)
		got, score := "none", 0.0
		if len(ms) > 0 {
			got, score = ms[0].Topic.ID, ms[0].Score
		}
		if c.expect == "none" {
			out++
		} else {
			in++
		}
		switch {
		case got == c.expect && c.expect == "none":
			outOK++
		case got == c.expect:
			inOK++
		case miss != nil:
			miss(c, got, score)
		}
	}
	return in, inOK, out, outOK
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// TestDiagnosisIndependentOfOrder: a diagnosis depends on its text alone,
// not on what the same scratch space diagnosed before. Two knowledge bases
// diagnose every evaluation text, one in file order and one in reverse.
func TestDiagnosisIndependentOfOrder(t *testing.T) {
	var texts []string
	for _, f := range slices.Concat(gatedEval, laterEval, unseenEval) {
		for _, c := range loadEval(t, f) {
			texts = append(texts, c.text)
		}
	}
	forward, backward := mustDefaultKB(t), mustDefaultKB(t)
	got := make(map[string][]Match, len(texts))
	for _, text := range texts {
		got[text] = forward.Diagnose(text)
	}
	for i := len(texts) - 1; i >= 0; i-- {
		text := texts[i]
		want := backward.Diagnose(text)
		same := func(a, b Match) bool { return a.Topic.ID == b.Topic.ID && a.Score == b.Score }
		if !slices.EqualFunc(got[text], want, same) {
			t.Errorf("%q diagnosed in file order: %v; in reverse order: %v", text, got[text], want)
		}
	}
}
