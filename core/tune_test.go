package core

import (
	"fmt"
	"os"
	"testing"
)

// evalFig returns top-1 accuracy in scope and the share of out-of-scope
// phrasings that get no topic.
func evalFig(kb *KB, cases []evalCase) (float64, float64) {
	in, inOK, out, outOK := evalCount(kb, cases, nil)
	return float64(inOK) / float64(in), float64(outOK) / float64(out)
}

// TestTune explores the diagnosis tunables on both evaluation sets. It is a
// tool, not a check: KAIKETSU_TUNE=1 go test ./core -run Tune -v
func TestTune(t *testing.T) {
	if os.Getenv("KAIKETSU_TUNE") == "" {
		t.Skip("set KAIKETSU_TUNE=1 to explore the diagnosis tunables")
	}
	main := loadEval(t, "playbooks/phrasings/amazon-signin/diagnosis.tsv")
	hold := loadEval(t, "playbooks/phrasings/amazon-signin/holdout.tsv")
	blind := loadEval(t, "playbooks/phrasings/amazon-signin/blind.tsv")
	defer func(a, b, c float64) { oosMargin, oosWeight, averageFrom = a, b, c }(oosMargin, oosWeight, averageFrom)
	for _, af := range []float64{0, 0.5, 0.25} {
		for _, ow := range []float64{0.3, 0.5, 1} {
			for _, om := range []float64{0.7, 0.8} {
				averageFrom, oosWeight, oosMargin = af, ow, om
				kb := mustDefaultKB(t)
				a, b := evalFig(kb, main)
				c, d := evalFig(kb, hold)
				e, f := evalFig(kb, blind)
				fmt.Printf("af=%.2f ow=%.1f om=%.1f: %.1f/%.1f %.1f/%.1f %.1f/%.1f\n", af, ow, om, a*100, b*100, c*100, d*100, e*100, f*100)
			}
		}
	}
}
