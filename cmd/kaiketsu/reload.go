package main

import (
	"context"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

// reloadEvery is how often KAIKETSU_KB_DIR is polled for changes. Polling
// file sizes and times needs no file-notification dependency and works on
// every file system, including network and container mounts where inotify
// events never arrive.
const reloadEvery = 2 * time.Second

// kbReloader reloads the team's playbooks into a running engine when they
// change or on SIGHUP. A broken edit is rejected with its file:line errors
// in the log and the last good playbooks keep serving; buttons minted for a
// replaced version get the engine's "updated, start over" answer.
type kbReloader struct {
	dir    string
	eng    *core.Engine
	log    *slog.Logger
	loaded func(ok bool, topics int) // for metrics; may be nil

	seen    dirState // the directory as last polled
	pending bool     // seen changed and has not been loaded yet
}

// dirState is what polling compares: each playbook file's size and time.
type dirState map[string]fileState

type fileState struct {
	size  int64
	mtime int64
}

// snapshot reads the state of the playbook files in dir and of every file
// in the directories below it, where phrasing files live (a playbook's
// patterns may name any file there; hidden directories such as .git are
// left out). Files are looked at through symbolic links, as the loader
// reads them. A directory that cannot be read is a state of its own (nil),
// so that its return is seen.
func snapshot(dir string) dirState {
	if _, err := os.ReadDir(dir); err != nil {
		return nil
	}
	s := dirState{}
	filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable below dir: the next poll sees it back
		}
		if e.IsDir() {
			if path != dir && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(e.Name())
		if filepath.Dir(path) == filepath.Clean(dir) && ext != ".yaml" && ext != ".yml" {
			return nil
		}
		info, err := os.Stat(path)
		if err != nil {
			return nil // removed while listing: the next poll sees it gone
		}
		rel, _ := filepath.Rel(dir, path)
		s[rel] = fileState{info.Size(), info.ModTime().UnixNano()}
		return nil
	})
	return s
}

func newReloader(dir string, eng *core.Engine, log *slog.Logger, loaded func(bool, int)) *kbReloader {
	return &kbReloader{dir: dir, eng: eng, log: log, loaded: loaded, seen: snapshot(dir)}
}

// poll reloads when the directory changed and then stayed the same for one
// more poll, so that a file still being written (an editor saving, a copy
// in progress) is not loaded half-way. It reports whether it reloaded.
func (r *kbReloader) poll() bool {
	now := snapshot(r.dir)
	if !maps.Equal(now, r.seen) || (now == nil) != (r.seen == nil) {
		r.seen, r.pending = now, true
		return false
	}
	if !r.pending {
		return false
	}
	r.pending = false
	r.reload("changed")
	return true
}

// reload loads the playbooks and swaps them in only when the team's
// directory loaded cleanly. It reports whether the engine now serves them.
func (r *kbReloader) reload(why string) bool {
	kb, err := core.LoadKB(r.dir)
	if kb == nil || err != nil {
		msg := "no error"
		if err != nil {
			msg = err.Error()
		}
		// One line per problem, each file:line: field: message, as
		// `kaiketsu kb validate` prints them.
		for _, line := range strings.Split(msg, "\n") {
			r.log.Error("playbook reload rejected; the last good playbooks keep serving", "dir", r.dir, "why", why, "problem", line)
		}
		if r.loaded != nil {
			r.loaded(false, topicCount(r.eng.KB()))
		}
		return false
	}
	old := r.eng.KB()
	r.eng.SetKB(kb)
	r.log.Info("playbooks reloaded", "dir", r.dir, "why", why, "playbooks", len(kb.Playbooks()), "topics", topicCount(kb), "changed", changedBooks(old, kb))
	if r.loaded != nil {
		r.loaded(true, topicCount(kb))
	}
	return true
}

// changedBooks names the playbooks added, removed or edited, for the log.
func changedBooks(old, cur *core.KB) []string {
	var out []string
	for _, p := range cur.Playbooks() {
		switch o := old.Playbook(p.ID); {
		case o == nil || o.Fingerprint != p.Fingerprint:
			out = append(out, p.ID)
		case o.PhrasingCount() != p.PhrasingCount():
			// Phrasings teach diagnosis; buttons stay good.
			out = append(out, p.ID+" (phrasings)")
		}
	}
	for _, p := range old.Playbooks() {
		if cur.Playbook(p.ID) == nil {
			out = append(out, p.ID+" (removed)")
		}
	}
	return out
}

func topicCount(kb *core.KB) int {
	n := 0
	for _, p := range kb.Playbooks() {
		n += len(p.Topics)
	}
	return n
}

// run polls every interval and reloads at once on each value from hup,
// until ctx is done.
func (r *kbReloader) run(ctx context.Context, every time.Duration, hup <-chan os.Signal) {
	var tick <-chan time.Time
	if r.dir != "" {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			r.poll()
		case <-hup:
			if r.dir == "" {
				r.log.Info("SIGHUP: KAIKETSU_KB_DIR is not set, only the embedded playbooks are served; nothing to reload")
				continue
			}
			r.seen, r.pending = snapshot(r.dir), false
			r.reload("SIGHUP")
		}
	}
}

// startReload watches the team's playbooks for serve: polling
// KAIKETSU_KB_DIR and listening for SIGHUP. The returned function stops it
// and waits until it has.
func startReload(ctx context.Context, d *deps, loaded func(bool, int)) (stop func()) {
	r := newReloader(d.cfg.KBDir, d.eng, d.log, loaded)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { r.run(ctx, reloadEvery, hup) })
	if d.cfg.KBDir != "" {
		d.log.Info("watching playbooks", "dir", d.cfg.KBDir, "every", reloadEvery.String(), "signal", "SIGHUP")
	}
	return func() {
		signal.Stop(hup)
		cancel()
		wg.Wait()
	}
}
