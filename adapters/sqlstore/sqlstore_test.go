package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiketsu/kaiketsu/adapters/sqlstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// row is a fake result row: Scan assigns its values to the destinations by
// reflection, as a driver would, or returns err.
type row struct {
	vals []any
	err  error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if len(dest) != len(r.vals) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(r.vals))
	}
	for i, d := range dest {
		dv := reflect.ValueOf(d).Elem()
		if r.vals[i] == nil {
			dv.SetZero()
			continue
		}
		dv.Set(reflect.ValueOf(r.vals[i]))
	}
	return nil
}

// rows is a fake result set of rows, failing with err at the end.
type rows struct {
	all []row
	i   int
	err error
}

func (r *rows) Next() bool             { r.i++; return r.i <= len(r.all) }
func (r *rows) Scan(dest ...any) error { return r.all[r.i-1].Scan(dest...) }
func (r *rows) Err() error             { return r.err }

var errNoRows = errors.New("no rows in result set")

// unixSec is a toy time column: Unix seconds, 0 for NULL.
func unixSec(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

func handoffRow(transcript []byte, claimedAt int64) row {
	return row{vals: []any{int64(42), "slack", "U1", "Aiko", "C1", "signin", "password", "ja",
		transcript, "claimed", "U9", claimedAt, "", int64(0), int64(1700000000), "C1/1.2"}}
}

func TestScanHandoff(t *testing.T) {
	entry := core.TranscriptEntry{Topic: "password", Step: "reset", Title: "Reset it", Result: core.ResultDidNotWork}
	for _, tt := range []struct {
		name    string
		row     row
		want    *core.Handoff
		wantErr string
	}{{
		name: "full",
		row:  handoffRow([]byte(`[{"topic":"password","step":"reset","title":"Reset it","result":"did not work"}]`), 1700000060),
		want: &core.Handoff{ID: 42, Ref: "K-42", Platform: "slack", Requester: "U1", RequesterName: "Aiko", Channel: "C1",
			Playbook: "signin", Topic: "password", Lang: "ja", Transcript: []core.TranscriptEntry{entry},
			Status: core.HandoffClaimed, ClaimedBy: "U9", ClaimedAt: time.Unix(1700000060, 0).UTC(),
			CreatedAt: time.Unix(1700000000, 0).UTC(), Card: "C1/1.2"},
	}, {
		name: "purged transcript and NULL times",
		row:  handoffRow(nil, 0),
		want: &core.Handoff{ID: 42, Ref: "K-42", Platform: "slack", Requester: "U1", RequesterName: "Aiko", Channel: "C1",
			Playbook: "signin", Topic: "password", Lang: "ja", Status: core.HandoffClaimed, ClaimedBy: "U9",
			CreatedAt: time.Unix(1700000000, 0).UTC(), Card: "C1/1.2"},
	}, {
		name: "empty transcript array is nil",
		row:  handoffRow([]byte(`[]`), 0),
		want: &core.Handoff{ID: 42, Ref: "K-42", Platform: "slack", Requester: "U1", RequesterName: "Aiko", Channel: "C1",
			Playbook: "signin", Topic: "password", Lang: "ja", Status: core.HandoffClaimed, ClaimedBy: "U9",
			CreatedAt: time.Unix(1700000000, 0).UTC(), Card: "C1/1.2"},
	}, {
		name:    "broken transcript",
		row:     handoffRow([]byte(`{"not":"an array"`), 0),
		wantErr: "hand-off 42: transcript:",
	}, {
		name:    "no row",
		row:     row{err: fmt.Errorf("driver: %w", errNoRows)},
		wantErr: core.ErrNotFound.Error(),
	}, {
		name:    "other error",
		row:     row{err: errors.New("connection reset")},
		wantErr: "connection reset",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			h, err := sqlstore.ScanHandoff(tt.row, errNoRows, unixSec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ScanHandoff error = %v, want one containing %q", err, tt.wantErr)
				}
				if tt.wantErr == core.ErrNotFound.Error() && !errors.Is(err, core.ErrNotFound) {
					t.Errorf("ScanHandoff error %v is not core.ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ScanHandoff: %v", err)
			}
			if diff := cmp.Diff(tt.want, h); diff != "" {
				t.Errorf("ScanHandoff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTranscriptRoundTrip(t *testing.T) {
	for _, in := range [][]core.TranscriptEntry{
		nil,
		{},
		{{Topic: "vpn", Step: "restart", Title: "再起動する", Result: core.ResultCurrent}},
	} {
		v, err := sqlstore.EncodeTranscript(in)
		if err != nil {
			t.Fatalf("EncodeTranscript(%v): %v", in, err)
		}
		if len(in) == 0 {
			if v != nil {
				t.Errorf("EncodeTranscript(%#v) = %#v, want nil (NULL)", in, v)
			}
			continue
		}
		s, ok := v.(string)
		if !ok {
			t.Fatalf("EncodeTranscript = %T, want a string", v)
		}
		out, err := sqlstore.DecodeTranscript([]byte(s))
		if err != nil {
			t.Fatalf("DecodeTranscript(%s): %v", s, err)
		}
		if diff := cmp.Diff(in, out); diff != "" {
			t.Errorf("round trip (-in +out):\n%s", diff)
		}
	}
}

func TestPrepareHandoff(t *testing.T) {
	h := &core.Handoff{Transcript: []core.TranscriptEntry{{Topic: "a"}}}
	before := time.Now()
	tr, err := sqlstore.PrepareHandoff(h)
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != core.HandoffOpen || h.CreatedAt.Before(before) {
		t.Errorf("defaults: status %q created %v, want open and now", h.Status, h.CreatedAt)
	}
	if tr != `[{"topic":"a","step":"","title":"","result":""}]` {
		t.Errorf("transcript column = %#v", tr)
	}
	at := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	h = &core.Handoff{Status: core.HandoffSolved, CreatedAt: at}
	if tr, err := sqlstore.PrepareHandoff(h); err != nil || tr != nil {
		t.Errorf("PrepareHandoff without transcript = %#v, %v; want nil, nil", tr, err)
	}
	if h.Status != core.HandoffSolved || !h.CreatedAt.Equal(at) {
		t.Errorf("PrepareHandoff overwrote status %q / created %v", h.Status, h.CreatedAt)
	}
}

func TestScanOutcomeAndCollect(t *testing.T) {
	rs := &rows{all: []row{
		{vals: []any{"w1", "started", "slack", "signin", "password", 0, "en", int64(1700000000)}},
		{vals: []any{"w1", "resolved", "slack", "signin", "password", 2, "en", int64(1700000100)}},
	}}
	scan := func(r sqlstore.Scanner) (core.Outcome, error) { return sqlstore.ScanOutcome(r, unixSec) }
	got, err := sqlstore.Collect(rs, scan)
	if err != nil {
		t.Fatal(err)
	}
	want := []core.Outcome{
		{Walk: "w1", Kind: core.OutcomeStarted, Platform: "slack", Playbook: "signin", Topic: "password", Lang: "en", At: time.Unix(1700000000, 0).UTC()},
		{Walk: "w1", Kind: core.OutcomeResolved, Platform: "slack", Playbook: "signin", Topic: "password", Step: 2, Lang: "en", At: time.Unix(1700000100, 0).UTC()},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect (-want +got):\n%s", diff)
	}

	failing := &rows{all: []row{{err: errors.New("bad column")}}}
	if _, err := sqlstore.Collect(failing, scan); err == nil || err.Error() != "bad column" {
		t.Errorf("Collect with a failing row: error %v, want bad column", err)
	}
	broken := &rows{err: errors.New("connection lost")}
	if _, err := sqlstore.Collect(broken, scan); err == nil || err.Error() != "connection lost" {
		t.Errorf("Collect with a failing result set: error %v, want connection lost", err)
	}
}

func TestConditional(t *testing.T) {
	ctx := context.Background()
	stored := map[int64]*core.Handoff{
		1: {ID: 1, Status: core.HandoffClaimed, ClaimedBy: "U9"},
		2: {ID: 2, Status: core.HandoffSolved},
	}
	get := func(_ context.Context, id int64) (*core.Handoff, error) {
		if h, ok := stored[id]; ok {
			return h, nil
		}
		return nil, core.ErrNotFound
	}
	won := &core.Handoff{ID: 3, Status: core.HandoffClaimed}
	for _, tt := range []struct {
		name    string
		id      int64
		update  error // nil: the update wins and returns won
		lost    func(*core.Handoff) error
		wantH   *core.Handoff
		wantErr error
		wantMsg string
	}{
		{name: "won", id: 3, lost: sqlstore.ClaimLost, wantH: won},
		{name: "claimed by someone", id: 1, update: core.ErrNotFound, lost: sqlstore.ClaimLost, wantH: stored[1], wantErr: core.ErrAlreadyClaimed},
		{name: "claim of solved", id: 2, update: core.ErrNotFound, lost: sqlstore.ClaimLost, wantH: stored[2], wantErr: core.ErrAlreadySolved},
		{name: "solve of solved", id: 2, update: core.ErrNotFound, lost: sqlstore.SolveLost, wantH: stored[2], wantErr: core.ErrAlreadySolved},
		{name: "unknown", id: 7, update: core.ErrNotFound, lost: sqlstore.ClaimLost, wantErr: core.ErrNotFound},
		{name: "database error", id: 1, update: errors.New("disk full"), lost: sqlstore.ClaimLost, wantMsg: "claim hand-off 1: disk full"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			update := func() (*core.Handoff, error) {
				if tt.update != nil {
					return nil, tt.update
				}
				return won, nil
			}
			h, err := sqlstore.Conditional(ctx, "claim", tt.id, update, get, tt.lost)
			if h != tt.wantH {
				t.Errorf("hand-off = %+v, want %+v", h, tt.wantH)
			}
			switch {
			case tt.wantMsg != "":
				if err == nil || err.Error() != tt.wantMsg {
					t.Errorf("error = %v, want %q", err, tt.wantMsg)
				}
			case !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil):
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	got, err := sqlstore.LoadMigrations(fstest.MapFS{
		"migrations/0010_later.sql":  file("C"),
		"migrations/0002_second.sql": file("B"),
		"migrations/0001_init.sql":   file("A"),
		"migrations/README.md":       file("not a migration"),
		"other/0003_elsewhere.sql":   file("X"),
	}, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	want := []sqlstore.Migration{
		{Version: 1, Name: "0001_init.sql", SQL: "A"},
		{Version: 2, Name: "0002_second.sql", SQL: "B"},
		{Version: 10, Name: "0010_later.sql", SQL: "C"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadMigrations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[1:2], sqlstore.Pending(got, []int{10, 1})); diff != "" {
		t.Errorf("Pending (-want +got):\n%s", diff)
	}
	if p := sqlstore.Pending(got, []int{1, 2, 10}); len(p) != 0 {
		t.Errorf("Pending with all applied = %v, want none", p)
	}

	for name, fsys := range map[string]fstest.MapFS{
		"name must be NNNN_name.sql": {"migrations/init.sql": file("")},
		"must be NNNN_name.sql":      {"migrations/0000_zero.sql": file("")},
		"have the same number":       {"migrations/0001_a.sql": file(""), "migrations/01_b.sql": file("")},
	} {
		if _, err := sqlstore.LoadMigrations(fsys, "migrations"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("LoadMigrations(%v) error = %v, want one saying %q", fsys, err, name)
		}
	}
}
