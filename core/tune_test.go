package core

import (
	"fmt"
	"os"
	"testing"
)

// evalFig returns top-1 accuracy in scope and the share of out-of-scope
// phrasings that get no topic.
func evalFig(kb *KB, cases []evalCase) (float64, float64) {
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
			}
		} else {
			in++
			if got == c.expect {
				inOK++
			}
		}
	}
	return float64(inOK) / float64(in), float64(outOK) / float64(out)
}

// TestTune explores the diagnosis tunables on both evaluation sets. It is a
// tool, not a check: KAIKETSU_TUNE=1 go test ./core -run Tune -v
func TestTune(t *testing.T) {
	if os.Getenv("KAIKETSU_TUNE") == "" {
		t.Skip("set KAIKETSU_TUNE=1 to explore the diagnosis tunables")
	}
	main := loadEval(t, "testdata/eval/diagnosis.tsv")
	hold := loadEval(t, "testdata/eval/holdout.tsv")
	defer func(a, b, c, d float64) { oosMargin, minEvidence, oosWeight, l2 = a, b, c, d }(oosMargin, minEvidence, oosWeight, l2)
	for _, ow := range []float64{1, 0.6, 0.3} {
		for _, reg := range []float64{1e-4, 1e-3} {
			oosWeight, l2 = ow, reg
			kb := mustDefaultKB(t)
			line := fmt.Sprintf("ow=%.1f l2=%.0e:", ow, reg)
			for _, me := range []float64{0.08, 0.1, 0.12} {
				minEvidence = me
				a, b := evalFig(kb, main)
				c, d := evalFig(kb, hold)
				line += fmt.Sprintf("  e%.2f %.1f/%.1f %.1f/%.1f", me, a*100, b*100, c*100, d*100)
			}
			fmt.Println(line)
		}
	}
}
