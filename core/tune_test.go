package core

import (
	"fmt"
	"os"
	"testing"
)

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

func TestSweep(t *testing.T) {
	if os.Getenv("SWEEP") == "" {
		t.Skip()
	}
	cases := loadEval(t, "testdata/eval/diagnosis.tsv")
	for _, uw := range []float64{0, 0.5} {
		for _, om := range []float64{0, 0.8, 1, 1.2} {
			nw := 0.3
			unknownWeight, nearestWeight, oosMargin = uw, nw, om
			kb := mustDefaultKB(t)
			line := fmt.Sprintf("uw=%.1f om=%.2f:", uw, om)
			for _, me := range []float64{0.05, 0.1, 0.12, 0.15, 0.2} {
				minEvidence = me
				a, b := evalFig(kb, cases)
				line += fmt.Sprintf("  e%.2f %.1f/%.1f", me, a*100, b*100)
			}
			fmt.Println(line)
		}
	}
}
