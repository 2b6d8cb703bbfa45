package core

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// Phrasing files hold what people actually wrote, each line labelled with
// the topic it was about or "none": a support team's log of real requests,
// or phrasings written independently of the playbook. They teach diagnosis
// the way people describe their trouble, which a playbook's hand-written
// examples cover only in part: on seven sets written after this change
// and never tuned on, learning from phrasings took the share diagnosed
// right from 89% to 95% (README). A playbook lists them with `phrasings:`,
// paths or patterns relative to its own directory:
//
//	phrasings: [phrasings/amazon-signin/*.tsv]
//
// Each file is UTF-8 text, tab-separated, its first line the header
// "lang<TAB>topic<TAB>text"; then one phrasing a line: a language of the
// playbook, a topic id, "none" (out of scope) or "general" (the playbook's
// trouble, no cause in particular: see Playbook.General), the text. Lines starting
// with # and blank lines are skipped.

// phrasingHeader is the first line of every phrasing file.
const phrasingHeader = "lang\ttopic\ttext"

// maxPhrasing is the longest phrasing, in characters: a long message, not
// a document.
const maxPhrasing = 1000

// maxPhrasingFiles and maxPhrasingBytes bound what one playbook's patterns
// may bring in. Training uses what its budget allows of them (thinLearned).
const (
	maxPhrasingFiles = 1000
	maxPhrasingBytes = 64 << 20
)

// addPhrasings reads the phrasing files p lists (relative to dir in fsys)
// into the phrasings of its topics, its out-of-scope and general ones. skip, when not nil,
// leaves out the files it names (the evaluation holds each file out in
// turn). Every problem is returned, each naming its file and line.
func addPhrasings(fsys fs.FS, dir string, p *Playbook, skip func(name string) bool) []error {
	var errs []error
	seen := map[string]bool{}
	total := 0
	for i, pattern := range p.phrasings {
		field := fmt.Sprintf("phrasings[%d]", i)
		bad := func(msg string) {
			errs = append(errs, &LoadError{File: p.Source, Line: p.phrasingsLines[i], Field: field, Msg: msg})
		}
		if path.IsAbs(pattern) || strings.Contains(pattern, `\`) || slices.Contains(strings.Split(pattern, "/"), "..") {
			bad(fmt.Sprintf("%q must be a path below the playbook's directory, with / between names", pattern))
			continue
		}
		names, err := fs.Glob(fsys, path.Join(dir, pattern))
		if err != nil {
			bad(fmt.Sprintf("%q is not a valid pattern: %v", pattern, err))
			continue
		}
		files := 0
		for _, name := range names {
			if info, err := fs.Stat(fsys, name); err == nil && info.IsDir() {
				continue
			}
			files++
			if seen[name] || (skip != nil && skip(name)) {
				continue
			}
			seen[name] = true
			if len(seen) > maxPhrasingFiles {
				bad(fmt.Sprintf("more than %d phrasing files", maxPhrasingFiles))
				return errs
			}
			src, err := fs.ReadFile(fsys, name)
			if err != nil {
				errs = append(errs, &LoadError{File: name, Msg: fmt.Sprintf("cannot read phrasings: %v", err)})
				continue
			}
			if total += len(src); total > maxPhrasingBytes {
				bad(fmt.Sprintf("the phrasing files hold more than %d bytes", maxPhrasingBytes))
				return errs
			}
			errs = append(errs, parsePhrasings(name, src, p)...)
		}
		if files == 0 {
			bad(fmt.Sprintf("%q matches no file", pattern))
		}
	}
	return errs
}

// parsePhrasings adds the phrasings of one file to p. Nothing of a file
// with a problem is added.
func parsePhrasings(file string, src []byte, p *Playbook) []error {
	if len(src) > maxFileSize {
		return []error{&LoadError{File: file, Msg: fmt.Sprintf("file is larger than %d bytes", maxFileSize)}}
	}
	if !utf8.Valid(src) {
		return []error{&LoadError{File: file, Msg: "file is not valid UTF-8"}}
	}
	type phrasing struct{ lang, topic, text string }
	var (
		errs []error
		got  []phrasing
	)
	bad := func(line int, field, format string, args ...any) {
		errs = append(errs, &LoadError{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff")) // a spreadsheet's byte-order mark
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, maxFileSize)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			if line != phrasingHeader {
				bad(1, "", "the first line must be the header %q (tab-separated)", phrasingHeader)
				return errs
			}
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			bad(n, "", "has %d tab-separated columns, want 3: lang, topic, text", len(cols))
			continue
		}
		ph := phrasing{strings.TrimSpace(cols[0]), strings.TrimSpace(cols[1]), strings.TrimSpace(cols[2])}
		ok := true
		if !contains(p.Languages, ph.lang) {
			bad(n, "lang", "%q is not one of the playbook's languages %v", ph.lang, p.Languages)
			ok = false
		}
		if ph.topic != "none" && ph.topic != "general" && p.byTopic[ph.topic] == nil {
			bad(n, "topic", "%q is not a topic of playbook %q (nor none, for out of scope, nor general, for no cause in particular)", ph.topic, p.ID)
			ok = false
		}
		switch {
		case ph.text == "":
			bad(n, "text", "must not be empty")
			ok = false
		case utf8.RuneCountInString(ph.text) > maxPhrasing:
			bad(n, "text", "is longer than %d characters", maxPhrasing)
			ok = false
		}
		if ok {
			got = append(got, ph)
		}
	}
	switch {
	case sc.Err() != nil:
		bad(n+1, "", "cannot be read: %v", sc.Err())
	case n == 0:
		bad(1, "", "file is empty: the first line must be the header %q", phrasingHeader)
	}
	if len(errs) > 0 {
		return errs
	}
	for _, ph := range got {
		switch ph.topic {
		case "none":
			p.outPhrasings.add(ph.lang, ph.text)
		case "general":
			p.generalPhrasings.add(ph.lang, ph.text)
		default:
			p.byTopic[ph.topic].phrasings.add(ph.lang, ph.text)
		}
	}
	return nil
}
