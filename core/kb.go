package core

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"sort"
)

//go:embed playbooks/*.yaml playbooks/phrasings
var embedded embed.FS

// DefaultPlaybooks returns the playbooks shipped in the binary.
func DefaultPlaybooks() ([]*Playbook, error) {
	return LoadDir(embedded, "playbooks")
}

// KB is a loaded, validated set of playbooks with its diagnosis index. It is
// immutable; a reload builds a new one.
type KB struct {
	books []*Playbook
	byID  map[string]*Playbook
	byFP  map[uint32]*Playbook
	index *index
	cache *diagnosisCache
}

// NewKB indexes playbooks. Later playbooks with the same ID replace
// earlier ones, so a team's directory overrides the defaults.
func NewKB(books ...*Playbook) *KB {
	kb := &KB{byID: map[string]*Playbook{}, byFP: map[uint32]*Playbook{}}
	for _, p := range books {
		if old, ok := kb.byID[p.ID]; ok {
			for i, b := range kb.books {
				if b == old {
					kb.books = append(kb.books[:i], kb.books[i+1:]...)
					break
				}
			}
			delete(kb.byFP, old.Fingerprint)
		}
		kb.byID[p.ID] = p
		kb.byFP[p.Fingerprint] = p
		kb.books = append(kb.books, p)
	}
	sort.SliceStable(kb.books, func(i, j int) bool { return kb.books[i].ID < kb.books[j].ID })
	kb.index = newIndex(kb.books)
	kb.cache = newDiagnosisCache(diagnosisCacheSize)
	return kb
}

// LoadKB loads the embedded playbooks and, when dir is not empty, the
// team's playbooks from dir, which add to or override them. A broken team
// directory never takes the defaults down: the KB is still returned, with
// the problems in err.
func LoadKB(dir string) (*KB, error) {
	books, err := DefaultPlaybooks()
	if err != nil {
		return nil, fmt.Errorf("embedded playbooks: %w", err)
	}
	var teamErr error
	if dir != "" {
		info, serr := os.Stat(dir)
		switch {
		case serr != nil:
			teamErr = fmt.Errorf("playbook directory: %w", serr)
		case !info.IsDir():
			teamErr = fmt.Errorf("playbook directory %s: not a directory", dir)
		default:
			team, lerr := LoadDir(os.DirFS(dir), ".")
			for _, p := range team {
				p.Source = dir + string(os.PathSeparator) + p.Source
			}
			books = append(books, team...)
			teamErr = relocate(lerr, dir)
		}
	}
	return NewKB(books...), teamErr
}

// relocate prefixes the files named in load errors with dir, so that the
// operator sees a path they can open.
func relocate(err error, dir string) error {
	if err == nil {
		return nil
	}
	var out []error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var le *LoadError
		if errors.As(e, &le) {
			c := *le
			c.File = dir + string(os.PathSeparator) + c.File
			out = append(out, &c)
			return
		}
		out = append(out, e)
	}
	walk(err)
	return errors.Join(out...)
}

// Playbooks returns the playbooks, sorted by ID.
func (kb *KB) Playbooks() []*Playbook { return kb.books }

// Playbook returns the playbook with the given ID, or nil.
func (kb *KB) Playbook(id string) *Playbook { return kb.byID[id] }

// Diagnose ranks the topics of every playbook for text: at most three, best
// first, and none when nothing fits well enough.
func (kb *KB) Diagnose(text string) []Match {
	return append([]Match(nil), kb.matches(text, false, false)...)
}

// matches is Diagnose without the copy, for callers that only read the
// matches: the slice may be the cache's. isNFKC says text is already in
// NFKC, which spares diagnosis the check; plain, that it is also free of
// anything that looks like a secret (see cached).
func (kb *KB) matches(text string, isNFKC, plain bool) []Match {
	if ms, ok := kb.cache.get(text); ok {
		return ms
	}
	var ms []Match
	if isNFKC {
		ms = kb.index.rank(text)
	} else {
		ms = kb.index.diagnose(text)
	}
	kb.cache.put(text, ms, plain)
	return ms
}
