package core

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
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

// phrasingDir holds the shipped playbook's phrasing files: sets written
// independently of the playbook by people who did not see its examples,
// each in a style of its own. Diagnosis learns from them (phrasings.go),
// so each is evaluated by a knowledge base built without it: the figures
// say how the model does on a style it has not seen.
const phrasingDir = "playbooks/phrasings/amazon-signin/"

// gatedEval are the first eight sets (diagnosis.tsv; holdout.tsv, blind.tsv
// and blind4-8.tsv). Diagnosis was tuned on their misses before phrasings
// were learned from, so they guard against regressions at the targets.
var gatedEval = phrasingFiles("diagnosis", "holdout", "blind", "blind4", "blind5", "blind6", "blind7", "blind8")

// laterEval are harder sets written the same way after those (busy-chat
// fragments, long stories, second-language English, voice input, an
// office help channel, phone chat, relayed messages, help-box queries,
// formal e-mails, quoted screens). Each was first run unseen (README has
// those figures).
var laterEval = phrasingFiles("blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16", "blind17", "blind18", "blind19")

// sinceEval are the sets written after phrasings were learned from; each
// was first run unseen (README) and then shipped, all but blind22.
var sinceEval = phrasingFiles("blind20", "blind21", "blind23", "blind24", "blind25", "blind26", "blind27", "blind28", "blind29", "blind30", "blind31", "blind32", "blind33", "blind34", "blind35", "blind36", "blind37", "blind38", "blind39", "blind41", "blind42", "blind43", "blind44", "blind45", "blind46", "blind47")

func phrasingFiles(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = phrasingDir + n + ".tsv"
	}
	return out
}

// kbWithout is the shipped knowledge base built without the phrasing file
// and without any phrasing of another file with the same text (a few
// short ones, "forgot my amazon password", were written in several sets).
func kbWithout(file string, held []evalCase) (*KB, error) {
	books, err := loadDir(embedded, "playbooks", func(name string) bool { return name == file })
	if err != nil {
		return nil, fmt.Errorf("embedded playbooks without %s: %w", file, err)
	}
	all, err := DefaultPlaybooks()
	if err != nil {
		return nil, err
	}
	if got := phrasingCount(all) - phrasingCount(books); got != len(held) {
		return nil, fmt.Errorf("leaving %s out took %d phrasings away, want its %d", file, got, len(held))
	}
	texts := map[string]bool{}
	for _, c := range held {
		texts[c.text] = true
	}
	drop := func(l List) {
		for lang, xs := range l {
			l[lang] = slices.DeleteFunc(xs, func(x string) bool { return texts[x] })
		}
	}
	for _, p := range books {
		drop(p.outPhrasings)
		drop(p.generalPhrasings)
		for _, tp := range p.Topics {
			drop(tp.phrasings)
		}
	}
	return NewKB(books...), nil
}

func phrasingCount(books []*Playbook) int {
	n := 0
	for _, p := range books {
		n += p.PhrasingCount()
	}
	return n
}

// TestEvalFilesAreShipped: every file evaluated is one the playbook learns
// from, and every one it learns from is evaluated, so no file is missed
// by the cross-validation or counted twice.
func TestEvalFilesAreShipped(t *testing.T) {
	shipped, err := fs.Glob(embedded, phrasingDir+"*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	evaluated := slices.Concat(gatedEval, laterEval, sinceEval)
	slices.Sort(shipped)
	slices.Sort(evaluated)
	if !slices.Equal(shipped, evaluated) {
		t.Errorf("shipped phrasing files %v, evaluated %v", shipped, evaluated)
	}
}

// TestDiagnosisEvaluation measures top-1 accuracy on in-scope phrasings
// and the share of out-of-scope ones that get no topic, on gatedEval
// (targets 95% and 90%) and laterEval (90% and 90%), each file diagnosed
// by a knowledge base that did not learn from it. Each file's figures are
// reported; the targets apply to each group together.
func TestDiagnosisEvaluation(t *testing.T) {
	groups := []struct {
		name          string
		files         []string
		minIn, minOut float64
	}{
		{"gated", gatedEval, 95, 90},
		{"later", laterEval, 90, 90},
		{"since", sinceEval, 90, 85},
	}
	if f := os.Getenv("KAIKETSU_EVAL"); f != "" {
		groups = groups[:1]
		groups[0].files = []string{f}
	}
	for _, g := range groups {
		// Each file's knowledge base is trained on its own: on all cores.
		type result struct{ in, inOK, out, outOK int }
		results := make([]result, len(g.files))
		errs := make([]error, len(g.files))
		cases := make([][]evalCase, len(g.files))
		for i, file := range g.files {
			cases[i] = loadEval(t, file)
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for i, file := range g.files {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				kb, err := kbWithout(file, cases[i])
				if err != nil {
					errs[i] = err
					return
				}
				r := &results[i]
				r.in, r.inOK, r.out, r.outOK = evalCount(kb, cases[i], missLogger(t))
			})
		}
		wg.Wait()
		var in, inOK, out, outOK int
		for i, file := range g.files {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			r := results[i]
			t.Logf("%s: in scope: top-1 %d/%d = %.1f%%; out of scope: none %d/%d = %.1f%%",
				file, r.inOK, r.in, pct(r.inOK, r.in), r.outOK, r.out, pct(r.outOK, r.out))
			in, inOK, out, outOK = in+r.in, inOK+r.inOK, out+r.out, outOK+r.outOK
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
var unseenEval = []string{"testdata/eval/blind22.tsv", "testdata/eval/blind40.tsv", "testdata/eval/blind48.tsv", "testdata/eval/blind49.tsv"}

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
	return evalCount(kb, loadEval(t, file), missLogger(t))
}

// missLogger logs each miss with -v.
func missLogger(t *testing.T) func(c evalCase, got string, score float64) {
	return func(c evalCase, got string, score float64) {
		if !testing.Verbose() {
			return
		}
		if c.expect == "none" {
			t.Logf("out of scope, got %s (%.2f): %s", got, score, c.text)
		} else {
			t.Logf("want %s, got %s: %s", c.expect, got, c.text)
		}
	}
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
	for _, f := range slices.Concat(gatedEval, laterEval, sinceEval, unseenEval) {
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
