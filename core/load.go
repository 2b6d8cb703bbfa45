package core

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits that playbook text must respect so that every platform can show it
// (Slack button labels 75, Discord 80; Slack section text 3,000, Discord
// custom content 2,000).
const (
	MaxLabel    = 75
	MaxStepText = 2000
	MaxSummary  = 300
	maxFileSize = 4 << 20
)

// LoadError is one problem in a playbook file, located by line and field.
type LoadError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)
)

// LoadDir loads and validates every *.yaml and *.yml file in dir of fsys,
// sorted by name, with the phrasing files each lists. It returns the playbooks that loaded cleanly and, joined,
// every problem found in the others, so that an author sees them all at once.
func LoadDir(fsys fs.FS, dir string) ([]*Playbook, error) {
	return loadDir(fsys, dir, nil)
}

// loadDir is LoadDir leaving out the phrasing files skip names.
func loadDir(fsys fs.FS, dir string, skip func(name string) bool) ([]*Playbook, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read playbook directory %s: %w", dir, err)
	}
	var (
		books []*Playbook
		errs  []error
		seen  = map[string]string{}
	)
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		name := path.Join(dir, e.Name())
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("read playbook %s: %w", name, err))
			continue
		}
		p, err := Parse(name, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if perrs := addPhrasings(fsys, dir, p, skip); len(perrs) > 0 {
			errs = append(errs, perrs...)
			continue
		}
		if other, dup := seen[p.ID]; dup {
			errs = append(errs, &LoadError{File: name, Line: 1, Field: "id", Msg: fmt.Sprintf("playbook %q is already defined in %s", p.ID, other)})
			continue
		}
		seen[p.ID] = name
		books = append(books, p)
	}
	return books, errors.Join(errs...)
}

// Parse reads and validates one playbook file. file names it in errors.
func Parse(file string, src []byte) (*Playbook, error) {
	if len(src) > maxFileSize {
		return nil, &LoadError{File: file, Msg: fmt.Sprintf("file is larger than %d bytes", maxFileSize)}
	}
	if !utf8.Valid(src) {
		return nil, &LoadError{File: file, Msg: "file is not valid UTF-8"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, &LoadError{File: file, Line: yamlErrLine(err), Msg: yamlErrMsg(err)}
	}
	l := &loader{file: file, stepNodes: map[*Step]stepNode{}, nextNodes: map[*Step]stepNode{}, choiceNodes: map[*Choice]stepNode{}}
	if len(doc.Content) == 0 {
		return nil, &LoadError{File: file, Line: 1, Msg: "file is empty"}
	}
	p := l.playbook(doc.Content[0])
	// The graph checks need every topic to have a first step; short of
	// that they would only add noise to the errors already found.
	if len(p.Topics) > 0 && everyTopicHasSteps(p) {
		p.link(src)
		l.graph(p)
	}
	if len(l.errs) > 0 {
		sort.SliceStable(l.errs, func(i, j int) bool {
			return l.errs[i].(*LoadError).Line < l.errs[j].(*LoadError).Line
		})
		return nil, errors.Join(l.errs...)
	}
	return p, nil
}

func everyTopicHasSteps(p *Playbook) bool {
	for _, t := range p.Topics {
		if len(t.Steps) == 0 {
			return false
		}
	}
	return true
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	var n int
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &n)
	}
	return n
}

func yamlErrMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// "line 3: did not find..." loses its line (Line has it) and its colon.
	return strings.TrimPrefix(yamlLine.ReplaceAllString(msg, ""), ": ")
}

// loader walks the YAML tree by hand, rather than decoding into structs, so
// that every error can name the line and the field path.
type loader struct {
	file  string
	langs []string
	errs  []error

	// Where each step and target came from, for the graph checks that run
	// once the whole file is read.
	stepNodes   map[*Step]stepNode
	nextNodes   map[*Step]stepNode
	choiceNodes map[*Choice]stepNode
}

func (l *loader) errf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.errs = append(l.errs, &LoadError{File: l.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// fields checks that n is a mapping with only the allowed keys and returns
// its values by key.
func (l *loader) fields(n *yaml.Node, field string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		l.errf(n, field, "must be a mapping")
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if !contains(allowed, key) {
			l.errf(k, join(field, key), "unknown key (allowed: %s)", strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[key]; dup {
			l.errf(k, join(field, key), "duplicate key")
			continue
		}
		out[key] = v
	}
	return out
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (l *loader) str(parent *yaml.Node, n *yaml.Node, field string, required bool) string {
	if n == nil {
		if required {
			l.errf(parent, field, "is required")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.errf(n, field, "must be a string")
		return ""
	}
	s := strings.TrimSpace(n.Value)
	if required && s == "" {
		l.errf(n, field, "must not be empty")
	}
	return s
}

// text reads a localized text and checks that every declared language is
// there and no undeclared one is.
func (l *loader) text(parent, n *yaml.Node, field string, required bool, max int) Text {
	if n == nil {
		if required {
			l.errf(parent, field, "is required")
		}
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		l.errf(n, field, "must be a mapping of language to text, e.g. {%s: ...}", strings.Join(l.langs, ": ..., "))
		return nil
	}
	m := l.fields(n, field, l.langs...)
	t := make(Text, len(m))
	for _, lang := range l.langs {
		v, ok := m[lang]
		if !ok {
			if m != nil {
				l.errf(n, join(field, lang), "missing translation")
			}
			continue
		}
		s := l.str(n, v, join(field, lang), true)
		if max > 0 && utf8.RuneCountInString(s) > max {
			l.errf(v, join(field, lang), "is %d characters, more than the %d the platforms allow", utf8.RuneCountInString(s), max)
		}
		t[lang] = s
	}
	return t
}

// list reads a localized list of strings.
func (l *loader) list(parent, n *yaml.Node, field string, max int) List {
	if n == nil {
		return nil
	}
	m := l.fields(n, field, l.langs...)
	out := make(List, len(m))
	for lang, v := range m {
		if v.Kind != yaml.SequenceNode {
			l.errf(v, join(field, lang), "must be a list")
			continue
		}
		for i, item := range v.Content {
			f := fmt.Sprintf("%s[%d]", join(field, lang), i)
			s := l.str(v, item, f, true)
			if max > 0 && utf8.RuneCountInString(s) > max {
				l.errf(item, f, "is longer than %d characters", max)
			}
			if s != "" {
				out[lang] = append(out[lang], s)
			}
		}
	}
	return out
}

func (l *loader) playbook(n *yaml.Node) *Playbook {
	p := &Playbook{Source: l.file}
	m := l.fields(n, "", "id", "languages", "title", "description", "contact", "about", "out_of_scope", "general", "phrasings", "topics")
	if m == nil {
		return p
	}
	p.ID = l.str(n, m["id"], "id", true)
	if p.ID != "" && !idPattern.MatchString(p.ID) {
		l.errf(m["id"], "id", "%q must be 1-40 lower-case letters, digits and hyphens", p.ID)
	}
	if ln := m["languages"]; ln == nil {
		l.errf(n, "languages", "is required, e.g. [ja, en]")
	} else if ln.Kind != yaml.SequenceNode || len(ln.Content) == 0 {
		l.errf(ln, "languages", "must be a non-empty list, e.g. [ja, en]")
	} else {
		for i, v := range ln.Content {
			f := fmt.Sprintf("languages[%d]", i)
			s := l.str(ln, v, f, true)
			switch {
			case s != "" && !langPattern.MatchString(s):
				l.errf(v, f, "%q is not a language code such as ja or en", s)
			case contains(p.Languages, s):
				l.errf(v, f, "%q is listed twice", s)
			case s != "":
				p.Languages = append(p.Languages, s)
			}
		}
	}
	l.langs = p.Languages
	if len(l.langs) == 0 {
		return p // every other field depends on the languages
	}
	p.Title = l.text(n, m["title"], "title", true, MaxLabel)
	p.Description = l.text(n, m["description"], "description", false, MaxSummary)
	p.Contact = l.text(n, m["contact"], "contact", true, MaxStepText)
	p.OutOfScope = l.list(n, m["out_of_scope"], "out_of_scope", 500)
	p.General = l.list(n, m["general"], "general", 500)
	p.About = l.about(m["about"])
	p.phrasings, p.phrasingsLines = l.patterns(m["phrasings"], "phrasings")
	tn := m["topics"]
	switch {
	case tn == nil:
		l.errf(n, "topics", "is required")
	case tn.Kind != yaml.SequenceNode || len(tn.Content) == 0:
		l.errf(tn, "topics", "must be a non-empty list")
	default:
		ids := map[string]bool{}
		for i, v := range tn.Content {
			t := l.topic(v, fmt.Sprintf("topics[%d]", i))
			if t.ID != "" && ids[t.ID] {
				l.errf(v, fmt.Sprintf("topics[%d].id", i), "topic %q is defined twice", t.ID)
			}
			ids[t.ID] = true
			p.Topics = append(p.Topics, t)
		}
	}
	return p
}

// patterns reads a list of file patterns (a single one may stand alone)
// and the line of each.
func (l *loader) patterns(n *yaml.Node, field string) (out []string, lines []int) {
	if n == nil {
		return nil, nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for i, item := range items {
		f := field
		if n.Kind == yaml.SequenceNode {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		if s := l.str(n, item, f, true); s != "" {
			out, lines = append(out, s), append(lines, item.Line)
		}
	}
	return out, lines
}

// about reads the about block: names (the subject), others (services
// whose mention, without a name, means the message is not for this
// playbook), places (services that count as others only when named with
// the words that follow or come before them), separate (the maker's other
// services with sign-ins of their own, which exclude even beside a name)
// and unrelated (the subject's other business, with the words that bring a
// message back).
func (l *loader) about(n *yaml.Node) *About {
	if n == nil {
		return nil
	}
	m := l.fields(n, "about", "names", "others", "places", "separate", "unrelated")
	if m == nil {
		return nil
	}
	a := &About{}
	// A name may be in one list only; the words around places are
	// another kind of term, each list checked apart ("login" may both
	// follow and come before a place).
	seen := map[string]string{} // normalized term -> field it was first in
	terms := func(m map[string]*yaml.Node, n *yaml.Node, field string, required bool, hint string, seen map[string]string) []string {
		key := field[strings.LastIndexByte(field, '.')+1:]
		v := m[key]
		switch {
		case v == nil:
			if required {
				l.errf(n, field, "is required: %s", hint)
			}
			return nil
		case v.Kind != yaml.SequenceNode || len(v.Content) == 0:
			l.errf(v, field, "must be a non-empty list of strings")
			return nil
		}
		var out []string
		for i, item := range v.Content {
			f := fmt.Sprintf("%s[%d]", field, i)
			t := l.str(v, item, f, true)
			if t == "" {
				continue
			}
			norm := strings.TrimSpace(Normalize(t))
			if norm == "" {
				l.errf(item, f, "%q has no letters or digits: it would never match", t)
				continue
			}
			if prev, dup := seen[norm]; dup {
				l.errf(item, f, "%q is already listed in %s", t, prev)
				continue
			}
			seen[norm] = field
			out = append(out, t)
		}
		return out
	}
	a.Names = terms(m, n, "about.names", true, "the names people use for this playbook's subject, e.g. [Amazon, アマゾン]", seen)
	a.Others = terms(m, n, "about.others", false, "", seen)
	a.Separate = terms(m, n, "about.separate", false, "", seen)
	if p := m["places"]; p != nil {
		if p.Kind == yaml.SequenceNode {
			l.errf(p, "about.places", "must be a mapping: terms (the places), followed_by and preceded_by (the words that make a place what the trouble is with)")
		} else if pm := l.fields(p, "about.places", "terms", "followed_by", "preceded_by"); pm != nil {
			a.Places = terms(pm, p, "about.places.terms", true, "services named where something goes or is kept, e.g. [Gmail, Outlook]", seen)
			a.PlaceFollowedBy = terms(pm, p, "about.places.followed_by", false, "", map[string]string{})
			a.PlacePrecededBy = terms(pm, p, "about.places.preceded_by", false, "", map[string]string{})
			if len(a.Places) > 0 && pm["followed_by"] == nil && pm["preceded_by"] == nil {
				l.errf(p, "about.places", "needs followed_by or preceded_by: without them no place ever counts, e.g. followed_by: [password, ログイン]")
			}
		}
	}
	if u := m["unrelated"]; u != nil {
		if um := l.fields(u, "about.unrelated", "terms", "unless"); um != nil {
			a.Unrelated = terms(um, u, "about.unrelated.terms", true, "what of the subject this playbook is not about, e.g. [gift card, coupon]", seen)
			a.UnrelatedUnless = terms(um, u, "about.unrelated.unless", true, "words that show a message is about this playbook after all, e.g. [sign in, ログイン]", seen)
		}
	}
	a.compile()
	return a
}

func (l *loader) topic(n *yaml.Node, field string) *Topic {
	t := &Topic{}
	m := l.fields(n, field, "id", "title", "summary", "urgent", "examples", "keywords", "steps")
	if m == nil {
		return t
	}
	t.ID = l.str(n, m["id"], join(field, "id"), true)
	switch {
	case t.ID != "" && !idPattern.MatchString(t.ID):
		l.errf(m["id"], join(field, "id"), "%q must be 1-40 lower-case letters, digits and hyphens", t.ID)
	case t.ID == "none" || t.ID == "general":
		// Phrasing files use them as labels (phrasings.go).
		l.errf(m["id"], join(field, "id"), "%q is reserved (phrasing files label out-of-scope and general messages with it)", t.ID)
	}
	t.Title = l.text(n, m["title"], join(field, "title"), true, MaxLabel)
	t.Summary = l.text(n, m["summary"], join(field, "summary"), true, MaxSummary)
	if u := m["urgent"]; u != nil {
		if err := u.Decode(&t.Urgent); err != nil || u.Tag != "!!bool" {
			l.errf(u, join(field, "urgent"), "must be true or false")
		}
	}
	t.Examples = l.list(n, m["examples"], join(field, "examples"), 500)
	t.Keywords = l.list(n, m["keywords"], join(field, "keywords"), 100)
	for _, lang := range l.langs {
		if len(t.Examples[lang]) == 0 && len(t.Keywords[lang]) == 0 {
			l.errf(n, join(field, "examples."+lang), "missing translation: at least one example or keyword is needed for diagnosis")
		}
	}
	sn := m["steps"]
	switch {
	case sn == nil:
		l.errf(n, join(field, "steps"), "is required")
	case sn.Kind != yaml.SequenceNode || len(sn.Content) == 0:
		l.errf(sn, join(field, "steps"), "must be a non-empty list")
	default:
		ids := map[string]bool{}
		for i, v := range sn.Content {
			sf := fmt.Sprintf("%s.steps[%d]", field, i)
			s := l.step(v, sf)
			if s.ID != "" && ids[s.ID] {
				l.errf(v, sf+".id", "step %q is defined twice in this topic", s.ID)
			}
			ids[s.ID] = true
			t.Steps = append(t.Steps, s)
		}
	}
	return t
}

// stepNode is a YAML node and its field path.
type stepNode struct {
	node  *yaml.Node
	field string
}

func (l *loader) step(n *yaml.Node, field string) *Step {
	s := &Step{}
	m := l.fields(n, field, "id", "title", "text", "do", "next", "choices")
	if m == nil {
		return s
	}
	s.ID = l.str(n, m["id"], join(field, "id"), true)
	if s.ID != "" && !idPattern.MatchString(s.ID) {
		l.errf(m["id"], join(field, "id"), "%q must be 1-40 lower-case letters, digits and hyphens", s.ID)
	}
	s.Title = l.text(n, m["title"], join(field, "title"), true, MaxLabel)
	s.Text = l.text(n, m["text"], join(field, "text"), true, 0)
	s.Do = l.list(n, m["do"], join(field, "do"), 0)
	for _, lang := range l.langs {
		size := utf8.RuneCountInString(s.Text[lang])
		for _, d := range s.Do[lang] {
			size += utf8.RuneCountInString(d) + 4 // "1. " and a newline
		}
		if size > MaxStepText {
			at := n // point at the text itself when there is one
			if m["text"] != nil {
				at = m["text"]
			}
			l.errf(at, join(field, "text."+lang), "step text and its sub-steps are %d characters, more than %d", size, MaxStepText)
		}
	}
	if len(s.Do) > 0 {
		for _, lang := range l.langs {
			if len(s.Do[lang]) == 0 {
				l.errf(m["do"], join(field, "do."+lang), "missing translation")
			}
		}
	}
	s.Next = l.str(n, m["next"], join(field, "next"), false)
	if s.Next == GoResolved {
		l.errf(m["next"], join(field, "next"), `"resolved" is not a place "didn't work" can lead to; use a step id, topic:ID or handoff`)
	}
	if cn := m["choices"]; cn != nil {
		if cn.Kind != yaml.SequenceNode || len(cn.Content) < 2 || len(cn.Content) > 4 {
			l.errf(cn, join(field, "choices"), "must be a list of 2 to 4 choices")
		} else {
			for i, v := range cn.Content {
				cf := fmt.Sprintf("%s.choices[%d]", field, i)
				cm := l.fields(v, cf, "label", "go")
				if cm == nil {
					continue
				}
				c := &Choice{
					Label: l.text(v, cm["label"], cf+".label", true, MaxLabel-2),
					Go:    l.str(v, cm["go"], cf+".go", true),
				}
				s.Choices = append(s.Choices, c)
				l.choiceNodes[c] = stepNode{cm["go"], cf + ".go"}
			}
		}
	}
	l.stepNodes[s] = stepNode{n, field}
	if s.Next != "" {
		l.nextNodes[s] = stepNode{m["next"], join(field, "next")}
	}
	return s
}

// graph checks that every target exists, every step can be reached from its
// topic's first step (or a jump to the topic), and that from every step the
// person can eventually reach an exit by following the steps.
func (l *loader) graph(p *Playbook) {
	valid := func(s *Step, target string, where stepNode) bool {
		switch {
		case target == GoHandoff || target == GoResolved:
			return true
		case strings.HasPrefix(target, GoTopicPrefix):
			if p.byTopic[strings.TrimPrefix(target, GoTopicPrefix)] == nil {
				l.errf(where.node, where.field, "points to topic %q, which does not exist", strings.TrimPrefix(target, GoTopicPrefix))
				return false
			}
			return true
		}
		for _, o := range s.topic.Steps {
			if o.ID == target {
				return true
			}
		}
		l.errf(where.node, where.field, "points to step %q, which is not a step of topic %q (use a step id, topic:ID, handoff or resolved)", target, s.topic.ID)
		return false
	}
	edges := func(s *Step) (out []*Step, exit bool) {
		targets := []string{s.Next}
		if len(s.Choices) > 0 {
			targets = targets[:0]
			for _, c := range s.Choices {
				targets = append(targets, c.Go)
			}
		}
		for _, tg := range targets {
			next, term := p.follow(s, tg)
			if next != nil {
				out = append(out, next)
			}
			if term != "" {
				exit = true
			}
		}
		return out, exit
	}
	ok := true
	for _, s := range p.steps {
		if s.Next != "" {
			ok = valid(s, s.Next, l.nextNodes[s]) && ok
		}
		for _, c := range s.Choices {
			ok = valid(s, c.Go, l.choiceNodes[c]) && ok
		}
	}
	if !ok {
		return
	}
	// Reachability: each topic's walkthrough starts at its first step.
	reached := make([]bool, len(p.steps))
	var stack []*Step
	for _, t := range p.Topics {
		stack = append(stack, t.Steps[0])
	}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reached[s.index] {
			continue
		}
		reached[s.index] = true
		out, _ := edges(s)
		stack = append(stack, out...)
	}
	for _, s := range p.steps {
		if !reached[s.index] {
			w := l.stepNodes[s]
			l.errf(w.node, w.field, "step %q of topic %q cannot be reached: no step or choice leads to it", s.ID, s.topic.ID)
		}
	}
	// Exits: a step can reach an exit if it has one or leads to a step
	// that can; iterate to a fixed point (the graphs are small).
	canExit := make([]bool, len(p.steps))
	for changed := true; changed; {
		changed = false
		for _, s := range p.steps {
			if canExit[s.index] {
				continue
			}
			out, exit := edges(s)
			for _, o := range out {
				exit = exit || canExit[o.index]
			}
			if exit {
				canExit[s.index], changed = true, true
			}
		}
	}
	var stuck []*Step
	for _, s := range p.steps {
		if !canExit[s.index] {
			stuck = append(stuck, s)
		}
	}
	sort.Slice(stuck, func(i, j int) bool { return stuck[i].index < stuck[j].index })
	for _, s := range stuck {
		w := l.stepNodes[s]
		l.errf(w.node, w.field, "step %q of topic %q is in a cycle with no exit: \"didn't work\" never reaches a hand-off", s.ID, s.topic.ID)
	}
}
